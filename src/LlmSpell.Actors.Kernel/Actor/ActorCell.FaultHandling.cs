using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

// Failure, suspension, restart and stop: the actor's side of supervision.
public sealed partial class ActorCell
{
    /// <summary>Set from a failure until the supervisor's decision has been carried out; null while healthy.</summary>
    private FaultState? _fault;

    private sealed class FaultState(Envelope failedEnvelope, IActorRef? perpetrator)
    {
        public Envelope FailedEnvelope { get; } = failedEnvelope;

        /// <summary>The child whose escalated failure we failed with.</summary>
        public IActorRef? Perpetrator { get; set; } = perpetrator;

        public Exception? RecreateCause { get; set; }
    }

    /// <summary>
    /// The actor threw: suspend it and its children and let the parent's strategy decide.
    /// The message being processed is dropped; the rest of the mailbox is kept.
    /// </summary>
    internal void HandleInvokeFailure(Exception cause, IActorRef? perpetrator = null)
    {
        if (IsTerminating)
        {
            SystemLog.LogError(cause, "{Actor} failed while stopping; the failure is logged and ignored", SelfRef);
            return;
        }
        if (_fault is not null)
        {
            // As in Akka: until the supervisor has resumed or restarted us, further failures (say, a
            // second child escalating) are not reported, or the supervisor would act twice.
            SystemLog.LogDebug(cause, "{Actor} failed again before its supervisor decided on its first failure; not reported", SelfRef);
            return;
        }
        _fault = new FaultState(_currentEnvelope, perpetrator ?? SelfRef);
        _suspendCount++;
        // As in Akka: the child that escalated is already suspended by its own failure; suspending it
        // again would leave it suspended after the restart or resume that our supervisor decides.
        SuspendChildren(except: perpetrator);
        Parent.SendSystemMessage(new Failed(SelfRef, cause, SelfRef.Path.Uid));
    }

    private void FaultSuspend()
    {
        _suspendCount++;
        SuspendChildren();
    }

    private void FaultResume(Exception? causedByFailure)
    {
        var perpetrator = _fault?.Perpetrator;
        if (causedByFailure is not null)
        {
            if (_fault is null) return;
            _fault = null;
        }
        if (_suspendCount > 0) _suspendCount--;
        ResumeChildren(causedByFailure, perpetrator);
    }

    private void FaultRecreate(Exception cause)
    {
        if (IsTerminating) return;
        var failedActor = Actor;
        if (failedActor is not null)
        {
            var failedMessage = _fault?.FailedEnvelope.Message;
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
        if (HasStoppingChildren)
        {
            // Wait until the children PreRestart stopped have all terminated; the others are restarted with us.
            _state = StateRecreating;
            (_fault ??= new FaultState(default, null)).RecreateCause = cause;
        }
        else
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _state = StateRunning;
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
        _fault = null;
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
            HandleInvokeFailure(failed.Cause, perpetrator: failed.Child);
        }
    }

    private void SuspendChildren(IActorRef? except = null)
    {
        foreach (var child in ChildrenSnapshot())
            if (!child.Equals(except)) child.SendSystemMessage(new Suspend());
    }

    // The perpetrator was not suspended by us: its Resume carries the cause, which clears its own failure.
    private void ResumeChildren(Exception? causedByFailure = null, IActorRef? perpetrator = null)
    {
        foreach (var child in ChildrenSnapshot())
            child.SendSystemMessage(new Resume(child.Equals(perpetrator) ? causedByFailure : null));
    }

    /// <summary>Restarts a child for a supervisor strategy; siblings are suspended first.</summary>
    internal void RestartChild(IInternalActorRef child, Exception cause, bool suspendFirst)
    {
        if (suspendFirst) child.SendSystemMessage(new Suspend());
        child.SendSystemMessage(new Recreate(cause));
    }

    internal void ResumeChild(IInternalActorRef child, Exception cause) => child.SendSystemMessage(new Resume(cause));
}
