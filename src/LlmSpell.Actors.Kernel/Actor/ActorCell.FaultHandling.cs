using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

// Failure, suspension, restart and stop: the actor's side of supervision.
public sealed partial class ActorCell
{
    private bool _isFailed;
    private IActorRef? _perpetrator; // who failed: this actor, or the child whose failure we escalated
    private Exception? _recreateCause;
    private Envelope _failedEnvelope;

    /// <summary>
    /// The actor threw: suspend it and its children and let the parent's strategy decide.
    /// The message being processed is dropped; the rest of the mailbox is kept.
    /// </summary>
    internal void HandleInvokeFailure(Exception cause, IActorRef? escalatedFrom = null)
    {
        if (IsTerminating)
        {
            SystemLog.LogError(cause, "{Actor} failed while stopping; the failure is logged and ignored", SelfRef);
            return;
        }
        if (_isFailed)
        {
            // As in Akka: until the supervisor has resumed or restarted us, further failures (say, a
            // second child escalating) are not reported, or the supervisor would act twice.
            SystemLog.LogDebug(cause, "{Actor} failed again before its supervisor decided on its first failure; not reported", SelfRef);
            return;
        }
        _isFailed = true;
        _perpetrator = escalatedFrom ?? SelfRef;
        _suspendCount++;
        _failedEnvelope = _currentEnvelope;
        // A child whose failure we escalate is suspended by its own failure already (as in Akka).
        SuspendChildren(except: escalatedFrom);
        Parent.SendSystemMessage(new Failed(SelfRef, cause, SelfRef.Path.Uid));
    }

    private void FaultSuspend()
    {
        _suspendCount++;
        SuspendChildren();
    }

    private void FaultResume(Exception? causedByFailure)
    {
        var perpetrator = _perpetrator;
        if (causedByFailure is not null)
        {
            if (!_isFailed) return;
            _isFailed = false;
            _perpetrator = null;
            _failedEnvelope = default;
        }
        if (_suspendCount > 0) _suspendCount--;
        // The child whose failure we escalated is resumed from that failure too, as in Akka.
        foreach (var child in ChildrenSnapshot())
            child.SendSystemMessage(new Resume(causedByFailure is not null && child.Equals(perpetrator) ? causedByFailure : null));
    }

    private void FaultRecreate(Exception cause)
    {
        if (IsTerminating) return;
        var failedActor = Actor;
        if (failedActor is not null)
        {
            var failedMessage = _failedEnvelope.Message;
            try
            {
                failedActor.AroundPreRestart(cause, failedMessage);
            }
            catch (Exception ex)
            {
                // As in Akka, PreRestart is best effort: its failure is logged and the restart goes on.
                // (Reporting it as a new failure made the supervisor restart again, forever.)
                SystemLog.LogError(new PreRestartException(SelfRef, cause, ex), "PreRestart of {Actor} threw; restarting anyway", SelfRef);
            }
            finally
            {
                CancelTimersAndReceiveTimeout();
            }
            // Stashed messages survive a restart, ahead of the mailbox.
            (failedActor as IWithStash)?.Stash.UnstashAll();
        }
        if (HasChildrenToDie)
        {
            // Wait until the children PreRestart stopped have all terminated; the others survive the restart.
            _state = StateRecreating;
            _recreateCause = cause;
        }
        else
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _state = StateRunning;
        _recreateCause = null;
        // Taken before the new instance runs, so that children it creates are not restarted with it.
        var survivors = ChildrenSnapshot();
        try
        {
            var fresh = NewActor();
            Actor = fresh;
            fresh.AroundPostRestart(cause);
        }
        catch (Exception ex)
        {
            Actor = null;
            // Still suspended from the first failure: report the new one.
            Parent.SendSystemMessage(new Failed(SelfRef,
                new ActorInitializationException(SelfRef, $"Exception while restarting actor {SelfRef}: {ex.Message}", ex),
                SelfRef.Path.Uid));
            return;
        }
        _isFailed = false;
        _perpetrator = null;
        _failedEnvelope = default;
        if (_suspendCount > 0) _suspendCount--;
        // As in Akka: children that PreRestart kept alive are restarted with the same cause.
        foreach (var survivor in survivors) survivor.SendSystemMessage(new Recreate(cause));
    }

    /// <summary>Stop: children first, then PostStop, then watchers and parent are told.</summary>
    private void BeginTerminate()
    {
        if (IsTerminating) return;
        lock (ChildrenLock) _state = StateTerminating;
        CancelTimersAndReceiveTimeout();
        var children = ChildrenSnapshot();
        foreach (var child in children) child.SendSystemMessage(new Terminate());
        if (children.Length == 0) FinishTerminate();
    }

    private void FinishTerminate()
    {
        try
        {
            Actor?.AroundPostStop();
        }
        catch (Exception ex)
        {
            SystemLog.LogError(ex, "PostStop of {Actor} threw; the actor stops anyway", SelfRef);
        }
        finally
        {
            var stashed = (Actor as IWithStash)?.Stash.ClearStash();
            _state = StateTerminated;
            Mailbox.Close();
            if (stashed is not null) foreach (var e in stashed) SendToDeadLetters(e);
            while (TryTakeStashed(out var e)) SendToDeadLetters(e);
            TellWatchersWeDied();
            UnwatchWatchedActors();
            Parent.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true));
            Actor?.Detach();
            Actor = null;
            _syncContext = null;
        }
    }

    /// <summary>As a supervisor: a child failed; our strategy decides.</summary>
    private void HandleFailed(Failed failed)
    {
        var stats = GetChildStats(failed.Child);
        if (stats is null || stats.Child.Path.Uid != failed.Uid) return; // a child we no longer have
        if (IsTerminating) return; // it is being stopped anyway
        var strategy = Actor?.SupervisorStrategyInternal ?? SupervisorStrategy.DefaultStrategy;
        if (!strategy.HandleFailure(this, stats, failed.Cause, ChildrenStatsSnapshot()))
        {
            // Escalate: we fail with the child's exception, and our parent decides on us.
            HandleInvokeFailure(failed.Cause, escalatedFrom: failed.Child);
        }
    }

    private void SuspendChildren(IActorRef? except = null)
    {
        foreach (var child in ChildrenSnapshot())
            if (!child.Equals(except)) child.SendSystemMessage(new Suspend());
    }

    /// <summary>Restarts a child for a supervisor strategy; siblings are suspended first.</summary>
    internal void RestartChild(IInternalActorRef child, Exception cause, bool suspendFirst)
    {
        if (suspendFirst) child.SendSystemMessage(new Suspend());
        child.SendSystemMessage(new Recreate(cause));
    }

    internal void ResumeChild(IInternalActorRef child, Exception cause) => child.SendSystemMessage(new Resume(cause));
}
