using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

// Durable runs: the journal of each run, resume, and the operations over the journal.
public sealed partial class WorkflowEngine : IWorkflowOperations
{
    private readonly IEventSerializer _serializer = WorkflowJson.CreateEventSerializer();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RunJournal, byte> _journals = new();

    /// <summary>
    /// Completes when every event this engine's runs appended so far is written. After the actor system stops,
    /// await it before another engine opens the same journal, so that no write of this one lands later.
    /// </summary>
    public Task FlushJournalsAsync() => Task.WhenAll(_journals.Keys.Select(j => j.WhenIdle()));

    private RunJournal Track(RunJournal journal)
    {
        _journals.TryAdd(journal, 0);
        return journal;
    }

    // A run's journal is forgotten once the run ended and its last write is done.
    private RunContext ForgetWhenDone(RunContext run)
    {
        if (run.Journal is { } journal)
            _ = run.Completion.ContinueWith(_ => journal.WhenIdle(), TaskScheduler.Default).Unwrap()
                .ContinueWith(_ => _journals.TryRemove(journal, out var _), TaskScheduler.Default);
        return run;
    }

    /// <summary>The runs resumed when the engine started (empty unless durable with resume on start).</summary>
    public Task<IReadOnlyList<IWorkflowRun>> Recovery { get; }

    private DurableRunOptions Durable => _options.Durability
        ?? throw new InvalidOperationException("This workflow engine is not durable: give WorkflowEngineOptions.Durability a journal to use run operations.");

    // The first event is durable before the run starts; a second writer of the same id fails here.
    private async Task<PreparedRun> BeginDurableRunAsync(DurableRunOptions durability, string runId, WorkflowDefinition definition, JsonNode? input)
    {
        var journal = Track(new RunJournal(runId, durability.Journal, _serializer, highestSequenceNr: 0));
        await journal.AppendAsync(StartedEvent(runId, definition, input)).ConfigureAwait(false);
        return new PreparedRun(ForgetWhenDone(new RunContext(runId, _services, _system) { Journal = journal, WorkflowName = definition.Name }), definition, input);
    }

    /// <summary>Continues an unfinished run from its journal (through the runs actor's <see cref="ResumeRun"/>); completed steps are not run again.</summary>
    public Task<IWorkflowRun> ResumeAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(observer => new ResumeRun(runId) { Subscriber = observer }, cancellationToken);

    async Task<PreparedRun> IRunPreparer.PrepareResumeAsync(string runId)
    {
        var record = await ReadRecordAsync(runId, CancellationToken.None).ConfigureAwait(false);
        if (record.State != RunState.Unfinished)
            throw new InvalidOperationException($"Run '{record.RunId}' has already finished ({record.State}); only unfinished runs can be resumed.");
        var journal = Track(new RunJournal(record.RunId, Durable.Journal, _serializer, record.HighestSequenceNr));
        var now = _services.Clock.GetUtcNow();
        await journal.AppendAsync(new RunResumed(record.HighestSequenceNr, record.CompletedSteps.Count) { RunId = record.RunId, Timestamp = now }).ConfigureAwait(false);
        var run = ForgetWhenDone(new RunContext(record.RunId, _services, _system)
        {
            Journal = journal,
            Recorded = record.CompletedSteps,
            WorkflowName = record.Definition.Name,
        });
        return new PreparedRun(run, record.Definition, record.Started.Input);
    }

    public async Task<IReadOnlyList<IWorkflowRun>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var resumed = new List<IWorkflowRun>();
        foreach (var record in await ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.State != RunState.Unfinished) continue;
            try
            {
                resumed.Add(await ResumeAsync(record.RunId, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested &&
                (ex is InvalidOperationException || ex is RunJournalException { InnerException: ConcurrentWriteException }))
            {
                // Active on this engine, or it went on (or ended) after it was read: nothing to resume.
            }
        }
        return resumed;
    }

    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= RunQuery.All;
        return (await ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
            .Select(r => r.Summary)
            .Where(s => query.State is null || s.State == query.State)
            .Where(s => query.WorkflowName is null || string.Equals(s.WorkflowName, query.WorkflowName, StringComparison.OrdinalIgnoreCase))
            .Where(s => query.Since is null || s.StartedAt >= query.Since)
            .OrderByDescending(s => s.StartedAt)
            .ToArray();
    }

    public async Task<RunSummary> GetSummaryAsync(string runId, CancellationToken cancellationToken = default) =>
        (await ReadRecordAsync(runId, cancellationToken).ConfigureAwait(false)).Summary;

    public async Task<IReadOnlyList<RunHistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default) =>
        (await ReadRecordAsync(runId, cancellationToken).ConfigureAwait(false)).History;

    public async Task<JsonObject> ExportAsync(string runId, CancellationToken cancellationToken = default) =>
        (await ReadRecordAsync(runId, cancellationToken).ConfigureAwait(false)).Export();

    public async Task<IReadOnlyList<string>> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var cutoff = _services.Clock.GetUtcNow() - olderThan;
        var purged = new List<string>();
        foreach (var record in await ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Terminal is not { } end || end.Timestamp > cutoff) continue;
            await Durable.Journal.DeleteMessagesToAsync(RunJournal.PersistenceIdOf(record.RunId), record.HighestSequenceNr, cancellationToken).ConfigureAwait(false);
            purged.Add(record.RunId);
        }
        return purged;
    }

    private async Task CancelInJournalAsync(DurableRunOptions durability, string runId, string reason, CancellationToken cancellationToken)
    {
        var record = await RunRecord.ReadAsync(durability.Journal, _serializer, runId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.State != RunState.Unfinished)
            throw new KeyNotFoundException($"No unfinished run with id '{runId}'. It may have finished already; finished runs cannot be cancelled.");
        var journal = new RunJournal(runId, durability.Journal, _serializer, record.HighestSequenceNr);
        var now = _services.Clock.GetUtcNow();
        await journal.AppendAsync(new RunCancelled(reason, now - record.Started.Timestamp) { RunId = runId, Timestamp = now })
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunRecord> ReadRecordAsync(string runId, CancellationToken cancellationToken) =>
        await RunRecord.ReadAsync(Durable.Journal, _serializer, runId, cancellationToken).ConfigureAwait(false)
        ?? throw new KeyNotFoundException($"The journal has no run with id '{runId}' (it never started, or it was purged).");

    private async Task<IReadOnlyList<RunRecord>> ReadRecordsAsync(CancellationToken cancellationToken)
    {
        var journal = Durable.Journal;
        var ids = new List<string>();
        await foreach (var id in journal.PersistenceIdsAsync(cancellationToken).ConfigureAwait(false))
            if (id.StartsWith(RunJournal.Prefix, StringComparison.Ordinal)) ids.Add(id[RunJournal.Prefix.Length..]);
        var records = new List<RunRecord>();
        foreach (var id in ids)
            if (await RunRecord.ReadAsync(journal, _serializer, id, cancellationToken).ConfigureAwait(false) is { } record) records.Add(record);
        return records;
    }
}
