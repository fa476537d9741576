using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Reads runs through Akka.Persistence.Query: one run by its persistence id (only its own events), all runs by their lifecycle
/// tag (start, resume, steps done, waits, end — never every event).
/// </summary>
internal sealed class RunQueries(ActorSystem system, LiveRuns? live, string store) : IRunReader
{
    // How long a read waits for the write journal to start (create its tables, open its connection). Akka.Persistence.Sql's
    // read journal asks for that itself with a fixed 5 s, which a loaded machine creating a new journal overran; a store
    // that cannot be reached at all is refused before this (the connection is checked first), so this wait only ever ends
    // a start that hangs.
    private static readonly TimeSpan JournalStartLimit = TimeSpan.FromSeconds(60);

    private readonly IMaterializer _materializer = system.Materializer(namePrefix: "llmspell-queries");
    private Task<SqlReadJournal>? _journal;

    /// <summary>The run's events in order; null when the journal has none (it never started, or it was purged).</summary>
    public async Task<RunRecord?> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        var journal = await JournalAsync(cancellationToken).ConfigureAwait(false);
        var envelopes = await journal.CurrentEventsByPersistenceId(RunIds.PersistenceId(runId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer).WaitAsync(cancellationToken).ConfigureAwait(false);
        var history = new List<RunHistoryEntry>(envelopes.Count);
        var summary = new RunSummaryBuilder(runId);
        WorkflowStarted? started = null;
        foreach (var envelope in envelopes)
        {
            var e = Event(runId, envelope);
            started ??= e as WorkflowStarted;
            summary.Add(envelope.SequenceNr, e);
            history.Add(new RunHistoryEntry(envelope.SequenceNr, e.Timestamp, WorkflowSerializer.ManifestOf(e.GetType()), e));
        }
        if (history.Count == 0) return null;
        if (started is null)
            throw new RunJournalException($"Run '{runId}' in {store} has no start event (its first is #{history[0].SequenceNr}, {history[0].Manifest}); it cannot be shown or resumed.");
        return new RunRecord(summary.Build(summary.IsFinished ? null : live?.OwnerOf(runId))!, started, history);
    }

    /// <summary>Every run's summary, from the lifecycle events alone.</summary>
    public async Task<IReadOnlyList<RunSummary>> SummariesAsync(CancellationToken cancellationToken)
    {
        var runs = new Dictionary<string, RunSummaryBuilder>(StringComparer.Ordinal);
        var journal = await JournalAsync(cancellationToken).ConfigureAwait(false);
        await journal.CurrentEventsByTag(DurableRun.LifecycleTag, Offset.NoOffset())
            .RunForeach(envelope =>
            {
                if (!envelope.PersistenceId.StartsWith(RunIds.PersistencePrefix, StringComparison.Ordinal)) return;
                var runId = envelope.PersistenceId[RunIds.PersistencePrefix.Length..];
                if (!runs.TryGetValue(runId, out var run)) runs[runId] = run = new RunSummaryBuilder(runId);
                run.Add(envelope.SequenceNr, Event(runId, envelope));
            }, _materializer).WaitAsync(cancellationToken).ConfigureAwait(false);
        return runs.Values
            .Select(r => r.Build(r.IsFinished ? null : live?.OwnerOf(r.RunId)))
            .OfType<RunSummary>()
            .ToArray();
    }

    // Opened on first read and shared by every read, so no one reader's cancel ends it (each stops waiting on its own token);
    // a start that failed is tried again by the next read.
    private Task<SqlReadJournal> JournalAsync(CancellationToken cancellationToken)
    {
        var opening = _journal;
        if (opening is null || opening.IsFaulted) _journal = opening = OpenAsync();
        return opening.WaitAsync(cancellationToken);
    }

    private async Task<SqlReadJournal> OpenAsync()
    {
        try
        {
            // Once the write journal has started, the read journal's own (blocking) check of it answers at once.
            var writeJournal = Persistence.Instance.Apply(system).JournalFor(null);
            var started = await writeJournal.Ask<object>(RunJournal.StartProbe, JournalStartLimit, CancellationToken.None).ConfigureAwait(false);
            if (started is ReplayMessagesFailure failure)
                throw new RunJournalException($"The run journal ({store}) cannot be read: {failure.Cause.Message}", failure.Cause);
            return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        }
        catch (Exception ex) when (ex is AggregateException or AskTimeoutException or TimeoutException)
        {
            var cause = ex is AggregateException { InnerException: { } inner } ? inner : ex;
            throw new RunJournalException($"The run journal ({store}) cannot be read yet: {cause.Message}. Try again in a moment; if it persists, check the store.", ex);
        }
    }

    private WorkflowEvent Event(string runId, EventEnvelope envelope) => envelope.Event as WorkflowEvent
        ?? throw new RunJournalException($"Run '{runId}' in {store}: its event #{envelope.SequenceNr} is a {envelope.Event?.GetType().Name ?? "null"}, not a workflow event.");
}
