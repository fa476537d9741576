using System.Text.Json.Nodes;
using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Durability;

/// <summary>Where a durable run stands, derived from its journal.</summary>
public enum RunState
{
    /// <summary>Started and not ended: running now, or interrupted (a crash, an engine stop) and resumable.</summary>
    Unfinished,
    Completed,
    PartiallyCompleted,
    Failed,
    Cancelled,
    TimedOut,
}

/// <summary>One journaled event of a run with its sequence number and time.</summary>
public sealed record RunHistoryEntry(long SequenceNr, DateTimeOffset Timestamp, string Manifest, WorkflowEvent Event);

/// <summary>A durable run as listed: its id, workflow, state and times.</summary>
public sealed record RunSummary(string RunId, string WorkflowName, RunState State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, long EventCount)
{
    /// <summary>The error of a failed, cancelled or timed-out run.</summary>
    public string? Error { get; init; }
}

/// <summary>Filters of <see cref="IWorkflowOperations.ListRunsAsync"/>; null matches everything.</summary>
public sealed record RunQuery
{
    public static readonly RunQuery All = new();

    public RunState? State { get; init; }

    /// <summary>The workflow's name (exact, case-insensitive).</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Runs started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
}

/// <summary>Everything the journal knows about one run: the replay of its events.</summary>
internal sealed class RunRecord
{
    public required string RunId { get; init; }
    public required WorkflowStarted Started { get; init; }
    public required WorkflowDefinition Definition { get; init; }
    public required IReadOnlyList<RunHistoryEntry> History { get; init; }

    /// <summary>Step key → the recorded result of every step that completed.</summary>
    public required IReadOnlyDictionary<string, StepResult> CompletedSteps { get; init; }

    public long HighestSequenceNr => History.Count == 0 ? 0 : History[^1].SequenceNr;

    public WorkflowEvent? Terminal => History.Count > 0 && IsTerminal(History[^1].Event) ? History[^1].Event : null;

    public RunState State => Terminal switch
    {
        null => RunState.Unfinished,
        RunCompleted { Status: RunStatus.PartiallyCompleted } => RunState.PartiallyCompleted,
        RunCompleted => RunState.Completed,
        RunFailed => RunState.Failed,
        RunCancelled => RunState.Cancelled,
        _ => RunState.TimedOut,
    };

    public RunSummary Summary => new(RunId, Started.WorkflowName, State, Started.Timestamp, Terminal?.Timestamp, History.Count)
    {
        Error = Terminal switch
        {
            RunFailed f => f.Error,
            RunCancelled c => c.Reason,
            Events.RunTimedOut t => $"timed out after {t.Timeout}",
            _ => null,
        },
    };

    public static bool IsTerminal(WorkflowEvent @event) => @event is RunCompleted or RunFailed or RunCancelled or Events.RunTimedOut;

    /// <summary>Replays the run's journal; null when it has no events (never started, or purged).</summary>
    public static async Task<RunRecord?> ReadAsync(IJournal journal, IEventSerializer serializer, string runId, CancellationToken cancellationToken)
    {
        var persistenceId = RunJournal.PersistenceIdOf(runId);
        var history = new List<RunHistoryEntry>();
        var completed = new Dictionary<string, StepResult>(StringComparer.Ordinal);
        WorkflowStarted? started = null;
        await foreach (var repr in journal.ReplayAsync(persistenceId, 1, long.MaxValue, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            WorkflowEvent @event;
            try
            {
                @event = serializer.DeserializeEvent(repr) as WorkflowEvent
                    ?? throw new InvalidOperationException($"the manifest '{repr.Manifest}' is not a workflow event");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new RunJournalException(
                    $"Run '{runId}' cannot be recovered: its event #{repr.SequenceNr} ('{repr.Manifest}') cannot be read: {(ex as EventDeserializationException)?.InnerException?.Message ?? ex.Message}", ex);
            }
            if (history.Count == 0)
            {
                started = @event as WorkflowStarted ?? throw new RunJournalException(
                    $"Run '{runId}' cannot be recovered: its first event #{repr.SequenceNr} is '{repr.Manifest}', not 'workflow-started.v1'.");
            }
            if (@event is StepCompleted sc) completed[sc.Key] = sc.Result;
            history.Add(new RunHistoryEntry(repr.SequenceNr, repr.Timestamp, repr.Manifest, @event));
        }
        if (started is null) return null;
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowJson.DeserializeDefinition(started.Definition);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new RunJournalException($"Run '{runId}' cannot be recovered: the definition in its event #{history[0].SequenceNr} cannot be read: {ex.Message}", ex);
        }
        return new RunRecord { RunId = runId, Started = started, Definition = definition, History = history, CompletedSteps = completed };
    }

    /// <summary>The run as one JSON document: summary, definition, input and every event with its sequence number.</summary>
    public JsonObject Export()
    {
        var events = new JsonArray();
        foreach (var entry in History)
        {
            events.Add(new JsonObject
            {
                ["sequenceNr"] = entry.SequenceNr,
                ["timestamp"] = entry.Timestamp,
                ["type"] = entry.Manifest,
                ["event"] = System.Text.Json.JsonSerializer.SerializeToNode(entry.Event, entry.Event.GetType(), WorkflowJson.Options),
            });
        }
        return new JsonObject
        {
            ["runId"] = RunId,
            ["workflow"] = Started.WorkflowName,
            ["state"] = State.ToString(),
            ["startedAt"] = Started.Timestamp,
            ["endedAt"] = Terminal?.Timestamp,
            ["definition"] = Started.Definition.DeepClone(),
            ["input"] = Started.Input?.DeepClone(),
            ["events"] = events,
        };
    }
}
