namespace LlmSpell.Actors;

// Watch, Unwatch, and exactly one Terminated per watch.
public sealed partial class ActorCell
{
    private DeathWatchState? _deathWatch; // allocated on first use: most actors never watch or are watched

    private sealed class DeathWatchState
    {
        public Dictionary<IActorRef, object?>? Watching;     // whom we watch → custom message (WatchWith)
        public HashSet<IActorRef>? WatchedBy;                // who watches us
        public HashSet<IActorRef>? TerminatedQueued;         // Terminated enqueued to ourselves, not yet delivered
    }

    private DeathWatchState Dw => _deathWatch ??= new DeathWatchState();

    public IActorRef Watch(IActorRef subject) => WatchCore(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchCore(subject, message);
    }

    private IActorRef WatchCore(IActorRef subject, object? message)
    {
        if (subject is not IInternalActorRef target || subject.Equals(SelfRef)) return subject;
        var watching = Dw.Watching ??= new Dictionary<IActorRef, object?>();
        if (watching.TryGetValue(subject, out var existing))
        {
            if (!Equals(existing, message))
                throw new InvalidOperationException(
                    $"Watch({subject}) with message [{message}] conflicts with the existing watch with message [{existing}]; Unwatch first.");
            return subject;
        }
        watching[subject] = message;
        target.SendSystemMessage(new Watch(target, SelfRef));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (_deathWatch?.Watching is { } watching && watching.Remove(subject) && subject is IInternalActorRef target)
            target.SendSystemMessage(new Unwatch(target, SelfRef));
        _deathWatch?.TerminatedQueued?.Remove(subject);
        return subject;
    }

    private void HandleWatch(Watch watch)
    {
        if (!watch.Watchee.Equals(SelfRef) || watch.Watcher.Equals(SelfRef)) return;
        if (IsTerminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: false));
            return;
        }
        (Dw.WatchedBy ??= []).Add(watch.Watcher);
    }

    private void HandleUnwatch(Unwatch unwatch) => _deathWatch?.WatchedBy?.Remove(unwatch.Watcher);

    private void HandleDeathWatchNotification(DeathWatchNotification dwn)
    {
        RemoveChild(dwn.Actor);
        if (_deathWatch?.Watching is { } watching && watching.Remove(dwn.Actor, out var custom) && !IsTerminating)
        {
            (_deathWatch.TerminatedQueued ??= []).Add(dwn.Actor);
            // Enqueued as a user message so it arrives after what the dead actor sent us before dying.
            SelfRef.Tell(new WatchedActorTerminated(dwn.Actor, custom ?? new Terminated(dwn.Actor, dwn.ExistenceConfirmed)), dwn.Actor);
        }
    }

    /// <summary>Whether a Terminated for <paramref name="actor"/> is still due (not cancelled by Unwatch).</summary>
    private bool TakeQueuedTerminated(IActorRef actor) => _deathWatch?.TerminatedQueued?.Remove(actor) == true;

    private void TellWatchersWeDied()
    {
        if (_deathWatch?.WatchedBy is not { } watchedBy) return;
        foreach (var watcher in watchedBy)
        {
            // The parent hears of our death through the notification FinishTerminate sends it.
            if (watcher.Equals(Parent)) continue;
            ((IInternalActorRef)watcher).SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true));
        }
        _deathWatch.WatchedBy = null;
    }

    private void UnwatchWatchedActors()
    {
        if (_deathWatch?.Watching is not { } watching) return;
        foreach (var subject in watching.Keys)
            ((IInternalActorRef)subject).SendSystemMessage(new Unwatch((IInternalActorRef)subject, SelfRef));
        _deathWatch = null;
    }

    /// <summary>The internal message carrying a watched actor's death to the watcher's own mailbox.</summary>
    internal sealed record WatchedActorTerminated(IActorRef Actor, object Message) : IAutoReceivedMessage, INotInfluenceReceiveTimeout;
}
