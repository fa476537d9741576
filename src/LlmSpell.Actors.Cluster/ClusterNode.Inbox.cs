using LlmSpell.Actors.Cluster.Messaging;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Cluster;

// In-cluster messages: every node takes the messages to the runs it owns (status, cancel, signal) and to itself (resume).
public sealed partial class ClusterNode
{
    private InboxDispatcher? _inbox;

    private async Task StartInboxAsync(CancellationToken cancellationToken)
    {
        _inbox = new InboxDispatcher(DataSource, Schema, Name, Workflows, Engine, _loggers.CreateLogger<InboxDispatcher>(),
            resumeRun: ResumeOnRequestAsync);
        await _inbox.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StopInboxAsync()
    {
        if (_inbox is not null) await _inbox.DisposeAsync().ConfigureAwait(false);
    }

    // Messages sent to a run before its lease moved here woke its old owner: take them now.
    private void RunsArrived() => _inbox?.Wake();

    /// <summary>A client asked this node to resume a run: it takes the run's lease if no live node holds it, then resumes it.</summary>
    private async Task ResumeOnRequestAsync(string runId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_local.ContainsKey(runId)) return;
            var epoch = await _store.Tables.ClaimAsync(runId, Name, cancellationToken).ConfigureAwait(false)
                ?? throw new ClusterException($"run {runId} is held by another live node; send it there (its lease names the owner)");
            await AdoptAsync(runId, epoch, "resumed on request by", cancellationToken).ConfigureAwait(false);
            // Adopting logs why it failed; the lease stays here and the next heartbeat tries again.
            if (!_local.ContainsKey(runId))
                throw new ClusterException($"node {Name} took the lease of run {runId} but could not resume it yet (its log says why); it tries again at its next heartbeat");
        }
        finally
        {
            _gate.Release();
        }
        RunsArrived();
    }
}
