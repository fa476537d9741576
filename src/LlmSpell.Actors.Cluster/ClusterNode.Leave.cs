using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Cluster;

// Leaving gracefully: no new runs, the node's services stop, its runs stop here and their leases go to the live nodes.
public sealed partial class ClusterNode
{
    /// <summary>
    /// Leaves the cluster: takes no more runs, stops the node services and the runs running here (they stay unfinished
    /// in the journal), hands every lease to the least-loaded live nodes with the epoch bumped (they resume the runs at
    /// once, woken by NOTIFY), and marks the node <c>left</c>. Idempotent. If the database cannot be reached, the
    /// leases lapse instead and are taken over after the lease expiry.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _left, 1) != 0) return;
        await StopLoopsAsync().ConfigureAwait(false);
        // Messages to its runs stay pending in the inbox, for the nodes the runs are handed to.
        await StopInboxAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_serviceTasks).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "A service of node {Node} failed while it stopped: {Error}", Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Services end by cancellation.
        }
        if (Engine is null) return;
        try
        {
            await _store.Tables.SetStateAsync(Name, "leaving", cancellationToken).ConfigureAwait(false);
            await StopRunsHereAsync().ConfigureAwait(false);
            var handed = await _store.Tables.HandOverAsync(Name, cancellationToken).ConfigureAwait(false);
            await _store.Tables.SetStateAsync(Name, "left", cancellationToken).ConfigureAwait(false);
            foreach (var (runId, owner) in handed)
                _log.LogInformation("Node {Node} handed run {RunId} to {Owner}", Name, runId, owner ?? "the next node to start (no live node)");
            _log.LogInformation("Node {Node} left the cluster", Name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning(ex, "Node {Node} could not leave gracefully ({Error}); its runs are taken over when its leases expire", Name, ex.Message);
        }
    }

    // The runs stop here before they are handed over (their step calls are cancelled, nothing more is journaled), so the
    // new owners do not run a step at the same time; whatever is still in flight is fenced by the hand-over's epoch bump.
    private async Task StopRunsHereAsync()
    {
        try
        {
            _system.Stop(Engine.Runs);
            await Engine.FlushJournalsAsync().WaitAsync(Options.LeaseExpiry).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // The actor system is already down, or a write hangs: the hand-over goes on, fencing keeps it safe.
            _log.LogDebug(ex, "Node {Node} could not stop its runs cleanly before handing them over: {Error}", Name, ex.Message);
        }
    }
}
