using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

// Durable runs: resume, cancel of interrupted runs, purge, and the queries over the journal.
public sealed partial class WorkflowEngine : IWorkflowOperations
{
    private Lazy<IRunReader>? _reader;
    private IDisposable? _cancelRequests;

    /// <summary>The runs resumed when the engine started (empty unless durable with resume on start).</summary>
    public Task<IReadOnlyList<IWorkflowRun>> Recovery { get; private set; } = Task.FromResult<IReadOnlyList<IWorkflowRun>>([]);

    /// <summary>Which runs are live in which process (null unless durable with a live-runs folder).</summary>
    public LiveRuns? LiveRuns { get; }

    /// <summary>Where runs are journaled, for messages (null in memory).</summary>
    public string? Store { get; }

    private IRunReader Reader => _reader?.Value
        ?? throw new InvalidOperationException("This workflow engine is not durable: give WorkflowEngineOptions.Durability (and the actor system a journal, RunStoreOptions) to use run operations.");

    private void StartDurability(DurableRunOptions durable, string store)
    {
        // The journal starts while the caller prepares its first run, not when that run first asks for it.
        RunJournal.Start(_system);
        var live = LiveRuns;
        // Made on first use: a command that only runs workflows never pays for the read side.
        _reader = new Lazy<IRunReader>(() => new RunQueries(_system, live, store));
        // Other processes on the same journal ask for a cancel through the live-runs folder; a run live here takes it.
        _cancelRequests = live?.WatchCancelRequests((runId, reason) =>
        {
            if (live.OwnerOf(runId) != Environment.ProcessId) return false;
            _runs.Tell(new CancelRun(runId, reason));
            return true;
        });
        _system.RegisterOnTermination(() => _cancelRequests?.Dispose());
        if (durable.ResumeOnStart) Recovery = ResumeUnfinishedAsync();
    }

    /// <summary>Continues an unfinished run from its journal (through the runs actor's <see cref="ResumeRun"/>); completed steps are not run again.</summary>
    public Task<IWorkflowRun> ResumeAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(observer => new ResumeRun(runId) { Subscriber = observer }, cancellationToken);

    public async Task<IReadOnlyList<IWorkflowRun>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var resumed = new List<IWorkflowRun>();
        foreach (var run in await Reader.SummariesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (run.State != RunState.Unfinished || run.IsLive) continue;
            try
            {
                resumed.Add(await ResumeAsync(run.RunId, cancellationToken).ConfigureAwait(false));
            }
            catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested)
            {
                // Active here or in another process, or it ended after it was read: nothing to resume.
            }
        }
        return resumed;
    }

    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= RunQuery.All;
        return (await Reader.SummariesAsync(cancellationToken).ConfigureAwait(false))
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

    public async Task<PurgeReport> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var cutoff = _services.Clock.GetUtcNow() - olderThan;
        var purged = new List<string>();
        var live = new List<RunSummary>();
        foreach (var run in await Reader.SummariesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (run.State == RunState.Unfinished)
            {
                if (run.IsLive) live.Add(run);
                continue;
            }
            if (run.EndedAt > cutoff) continue;
            var reply = await _runs.Ask<IRunMessage>(new RunsActor.PurgeRun(run.RunId, cutoff), _options.JournalTimeout, cancellationToken).ConfigureAwait(false);
            if (reply is DurableRun.Purged) purged.Add(run.RunId);
            else if (reply is RunRejected { Kind: RejectionKind.Journal } rejected) throw Refusal(rejected);
        }
        return new PurgeReport(purged, live);
    }

    /// <summary>
    /// Cancels a durable run that is not active here: one live in another process is asked to cancel (through the live-runs
    /// folder) and this waits until it has ended; an interrupted one gets its cancel recorded, so that it is never resumed.
    /// </summary>
    private async Task CancelElsewhereAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        if (LiveRuns?.OwnerOf(runId) is { } pid && pid != Environment.ProcessId)
        {
            LiveRuns.RequestCancel(runId, reason);
            var deadline = DateTime.UtcNow + _options.ControlTimeout;
            while (LiveRuns.OwnerOf(runId) is not null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    LiveRuns.WithdrawCancelRequest(runId);
                    throw new RunStillLiveException(runId, pid,
                        $"Run '{runId}' is running in process {pid}, which did not take the cancel within {_options.ControlTimeout.TotalSeconds:0} s; it goes on. Stop that process (kill {pid}) to interrupt it.");
                }
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            LiveRuns.WithdrawCancelRequest(runId);
            // Ended there: cancelled by the request, or finished just before it; the journal says which.
            return;
        }
        var reply = await _runs.Ask<IRunMessage>(new RunsActor.CancelInterrupted(runId, reason), _options.JournalTimeout, cancellationToken).ConfigureAwait(false);
        if (reply is not RunCancelling) throw Refusal(reply);
    }

    public Task<RunRecord> GetRunAsync(string runId, CancellationToken cancellationToken = default) => ReadRecordAsync(runId, cancellationToken);

    private async Task<RunRecord> ReadRecordAsync(string runId, CancellationToken cancellationToken) =>
        await Reader.ReadAsync(runId, cancellationToken).ConfigureAwait(false)
        ?? throw new KeyNotFoundException($"{Store ?? "The cluster's journal"} has no run with id '{runId}' (it never started, or it was purged).");
}

/// <summary>What a purge did: the runs it deleted, and the live runs it left alone.</summary>
public sealed record PurgeReport(IReadOnlyList<string> Purged, IReadOnlyList<RunSummary> SkippedLive);

/// <summary>A run is live in another process that did not do what was asked; the message names the process.</summary>
public sealed class RunStillLiveException(string runId, int pid, string message) : InvalidOperationException(message)
{
    public string RunId => runId;
    public int Pid => pid;
}
