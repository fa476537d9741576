using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Durability;

/// <summary>Where a durable run stands, derived from its journal.</summary>
public enum RunState
{
    /// <summary>Started and not ended: running now (<see cref="RunSummary.OwnerPid"/> says where), or interrupted and resumable.</summary>
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

    /// <summary>How many steps have completed.</summary>
    public int StepsCompleted { get; init; }

    /// <summary>The signals the run waits for (an unfinished run paused at wait steps).</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    /// <summary>The process running this unfinished run now, if any (else it is interrupted and can be resumed).</summary>
    public int? OwnerPid { get; init; }

    /// <summary>The cluster node that runs this unfinished run now (<c>akka.tcp://llmspell@HOST:PORT</c>), when read through a cluster.</summary>
    public string? Node { get; init; }

    /// <summary>Whether a process or a cluster node runs it now.</summary>
    public bool IsLive => OwnerPid is not null || Node is not null;
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

/// <summary>
/// Folds a run's events (all of them, or only its lifecycle events) into its summary: the same fold serves <c>show</c>
/// (every event of one run) and <c>list</c> (the tagged lifecycle events of all runs).
/// </summary>
internal sealed class RunSummaryBuilder(string runId)
{
    private readonly Dictionary<string, string> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _completed = new(StringComparer.Ordinal);
    private WorkflowStarted? _started;
    private WorkflowEvent? _terminal;
    private long _highest;

    public string RunId => runId;

    public bool IsFinished => _terminal is not null;

    public void Add(long sequenceNr, WorkflowEvent e)
    {
        _highest = Math.Max(_highest, sequenceNr);
        switch (e)
        {
            case WorkflowStarted s: _started = s; break;
            case RunResumed: _terminal = null; break;
            case StepCompleted s: _completed.Add(s.Key); _waiting.Remove(s.Key); break;
            case StepFailed s: _waiting.Remove(s.Key); break;
            case SignalAwaited s: _waiting[s.Key] = s.Signal; break;
            case SignalReceived s: _waiting.Remove(s.Key); break;
            default: if (DurableRun.IsTerminal(e)) _terminal = e; break;
        }
    }

    /// <summary>The summary, or null when the run has no start event (purged, or not a run).</summary>
    public RunSummary? Build(int? ownerPid) => _started is not { } started ? null : new RunSummary(runId, started.WorkflowName, State, started.Timestamp, _terminal?.Timestamp, _highest)
    {
        Error = _terminal switch
        {
            RunFailed f => f.Error,
            RunCancelled c => c.Reason,
            Events.RunTimedOut t => $"timed out after {t.Timeout}",
            _ => null,
        },
        StepsCompleted = _completed.Count,
        WaitingFor = _terminal is null ? _waiting.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() : [],
        OwnerPid = _terminal is null ? ownerPid : null,
    };

    private RunState State => _terminal switch
    {
        null => RunState.Unfinished,
        RunCompleted { Status: RunStatus.PartiallyCompleted } => RunState.PartiallyCompleted,
        RunCompleted => RunState.Completed,
        RunFailed => RunState.Failed,
        RunCancelled => RunState.Cancelled,
        _ => RunState.TimedOut,
    };
}

/// <summary>One run read from its journal: its summary, its start (definition and input) and every event.</summary>
public sealed record RunRecord(RunSummary Summary, WorkflowStarted Started, IReadOnlyList<RunHistoryEntry> History)
{
    /// <summary>The run as a message (<see cref="RunRead"/>): each event as JSON under its manifest.</summary>
    internal RunRead ToMessage() => new(Summary, History
        .Select(h => new JournaledEvent(h.SequenceNr, h.Timestamp, h.Manifest, JsonSerializer.SerializeToNode(h.Event, h.Event.GetType(), WorkflowJson.Options)!))
        .ToArray());

    /// <summary>The run a <see cref="RunRead"/> carries; throws <see cref="RunJournalException"/> if it has no start event.</summary>
    internal static RunRecord FromMessage(RunRead read)
    {
        var history = read.Events.Select(e => new RunHistoryEntry(e.SequenceNr, e.Timestamp, e.Manifest,
            (WorkflowEvent)(e.Event.Deserialize(WorkflowSerializer.TypeOf(e.Manifest), WorkflowJson.Options)
                ?? throw new RunJournalException($"Run '{read.RunId}': its event #{e.SequenceNr} ({e.Manifest}) is JSON null.")))).ToArray();
        var started = history.Select(h => h.Event).OfType<WorkflowStarted>().FirstOrDefault()
            ?? throw new RunJournalException($"Run '{read.RunId}' has no start event; it cannot be shown or resumed.");
        return new RunRecord(read.Summary, started, history);
    }

    public WorkflowDefinition Definition => WorkflowJson.DeserializeDefinition(Started.Definition);

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
            ["runId"] = Summary.RunId,
            ["workflow"] = Summary.WorkflowName,
            ["state"] = Summary.State.ToString(),
            ["startedAt"] = Summary.StartedAt,
            ["endedAt"] = Summary.EndedAt,
            ["definition"] = Started.Definition.DeepClone(),
            ["input"] = Started.Input?.DeepClone(),
            ["events"] = events,
        };
    }
}
