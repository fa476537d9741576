using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlmSpell.Actors.Cluster;

// The node's leases: the heartbeat, adopting the runs assigned to it, taking over lapsed runs, and stopping runs it lost.
public sealed partial class ClusterNode
{
    private readonly SemaphoreSlim _wake = new(0);

    private async Task StartLoopsAsync(CancellationToken cancellationToken)
    {
        // Listening before the first round: a run assigned meanwhile is seen either by the round or by its NOTIFY.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _listener = Task.Run(() => ListenAsync(listening, _stopping.Token), CancellationToken.None);
        await listening.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WorkRoundAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.WhenAll(
            Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => WorkLoopAsync(_stopping.Token), CancellationToken.None));
    }

    private async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loop, _listener).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || _stopping.IsCancellationRequested)
        {
            // Stopping cancels whatever statement a loop had in flight; the leave goes on without it.
            if (ex is not OperationCanceledException) _log.LogDebug(ex, "A loop of node {Node} ended with an error while stopping", Name);
        }
    }

    // The heartbeat has its own loop, so that adopting runs (reading their journals) never delays a renewal.
    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval);
        do
        {
            try
            {
                await _store.Tables.HeartbeatAsync(Name, stopping).ConfigureAwait(false);
                _wake.Release();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // Missed renewals are what lease expiry is for: others take over, and fencing stops this node's writes.
                _log.LogWarning(ex, "Node {Node} could not renew its leases: {Error}", Name, ex.Message);
            }
        }
        while (await Tick(timer, stopping).ConfigureAwait(false));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WorkLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stopping).ConfigureAwait(false);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(stopping).ConfigureAwait(false);
                await WorkRoundAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _log.LogWarning(ex, "Node {Node} could not check its runs: {Error}", Name, ex.Message);
            }
        }
    }

    // LISTEN on the cluster's channel: a run handed to this node (a client's new run, a leaving node's runs) is adopted at once.
    private async Task ListenAsync(TaskCompletionSource listening, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.DataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload == Name) _wake.Release();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Options.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                listening.TrySetResult();
                while (true) await connection.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                listening.TrySetCanceled(stopping);
                return;
            }
            catch (Exception ex)
            {
                // Without the channel, assigned runs are still adopted at the next heartbeat.
                _log.LogWarning(ex, "Node {Node} lost its notification channel: {Error}; listening again", Name, ex.Message);
                listening.TrySetResult();
                try
                {
                    await Task.Delay(Options.HeartbeatInterval, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stops runs whose lease this node lost, adopts the runs whose lease it holds but does not run, and takes over lapsed runs.</summary>
    private async Task WorkRoundAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _left) != 0) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var owned = await _store.Tables.OwnedAsync(Name, cancellationToken).ConfigureAwait(false);
            foreach (var (runId, local) in _local)
            {
                if (local.Lost || (owned.TryGetValue(runId, out var epoch) && epoch == local.Epoch)) continue;
                local.Lost = true;
                _log.LogWarning("Node {Node} lost the lease of run {RunId} (epoch {Epoch}): another node owns it now; stopping it here", Name, runId, local.Epoch);
                // Its cancel event is fenced like any other write: the run stops here and nothing of it is journaled.
                _ = Engine.CancelAsync(runId, $"node '{Name}' lost the run's lease", CancellationToken.None)
                    .ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
            var arrived = false;
            foreach (var (runId, epoch) in owned)
            {
                if (_local.ContainsKey(runId)) continue;
                await AdoptAsync(runId, epoch, "assigned to", cancellationToken).ConfigureAwait(false);
                arrived = true;
            }
            var claimed = await _store.Tables.ClaimLapsedAsync(Name, _local.Keys.ToArray(), cancellationToken).ConfigureAwait(false);
            foreach (var (runId, epoch) in claimed) await AdoptAsync(runId, epoch, "taken over by", cancellationToken).ConfigureAwait(false);
            if (arrived || claimed.Count > 0) RunsArrived();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Resumes a run this node now holds the lease of, from the journal: its completed steps are not run again.</summary>
    private async Task AdoptAsync(string runId, long epoch, string how, CancellationToken cancellationToken)
    {
        var local = _local[runId] = new LocalRun(epoch);
        try
        {
            local.Run = await Engine.ResumeAsync(runId, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("Run {RunId} {How} node {Node} (epoch {Epoch}): resumed from the journal", runId, how, Name, epoch);
            WatchEnd(runId, local);
            return;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            _local.TryRemove(new KeyValuePair<string, LocalRun>(runId, local));
            // Its journal is gone (purged), or it ended before its lease was dropped: the lease has nothing left to own.
            if (ex is KeyNotFoundException || await HasEndedAsync(runId, cancellationToken).ConfigureAwait(false))
                await _store.Tables.ReleaseEndedAsync(runId, Name, epoch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _local.TryRemove(new KeyValuePair<string, LocalRun>(runId, local));
            if (IsFenced(ex)) _log.LogWarning("Node {Node} could not resume run {RunId}: another node took it over first", Name, runId);
            else _log.LogWarning(ex, "Node {Node} could not resume run {RunId}: {Error}; trying again at the next heartbeat", Name, runId, ex.Message);
        }
    }

    private void WatchEnd(string runId, LocalRun local) =>
        _ = local.Run!.Completion.ContinueWith(t => OnRunEndedAsync(runId, local, t.Result), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();

    /// <summary>A run ended here: its lease is dropped when its end is journaled; a run stopped by fencing is only logged.</summary>
    private async Task OnRunEndedAsync(string runId, LocalRun local, WorkflowResult result)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Leaving: the runs stopped here stay unfinished in the journal, for the nodes they are handed to.
            if (Volatile.Read(ref _left) != 0) return;
            if (await HasEndedAsync(runId, CancellationToken.None).ConfigureAwait(false))
            {
                if (!await _store.Tables.ReleaseEndedAsync(runId, Name, local.Epoch, CancellationToken.None).ConfigureAwait(false))
                    _log.LogInformation("Run {RunId} ended on node {Node} ({Status}) after another node took it over", runId, Name, result.Status);
            }
            else if (local.Lost || IsFencedMessage(result.Error))
            {
                _log.LogWarning("Run {RunId} was fenced on node {Node}: another node owns it now, so it stopped here without writing to its journal ({Error})",
                    runId, Name, result.Error);
            }
            // Else its end could not be journaled (the database was unreachable): the lease stays, and the next round resumes it.
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Node {Node} could not settle the end of run {RunId}: {Error}", Name, runId, ex.Message);
        }
        finally
        {
            _local.TryRemove(new KeyValuePair<string, LocalRun>(runId, local));
            _gate.Release();
        }
    }

    private async Task<bool> HasEndedAsync(string runId, CancellationToken cancellationToken)
    {
        var history = await Engine.GetHistoryAsync(runId, cancellationToken).ConfigureAwait(false);
        return history.Count > 0 && history[^1].Event is RunCompleted or RunFailed or RunCancelled or RunTimedOut;
    }

    private static bool IsFenced(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is FencedException) return true;
        return false;
    }

    // The run's result carries the journal's error as text only (FencedException's wording).
    private static bool IsFencedMessage(string? error) => error?.Contains("no longer holds the lease", StringComparison.Ordinal) == true;
}
