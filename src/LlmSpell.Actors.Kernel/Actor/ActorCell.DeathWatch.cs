namespace LlmSpell.Actors;

// Watch, Unwatch, and exactly one Terminated per watch.
public sealed partial class ActorCell
{
    private Dictionary<IActorRef, object?>? _watching;      // whom we watch → custom message (WatchWith)
    private HashSet<IActorRef>? _watchedBy;                 // who watches us
    private HashSet<IActorRef>? _terminatedQueued;          // Terminated enqueued to ourselves, not yet delivered

    public IActorRef Watch(IActorRef subject) => WatchCore(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchCore(subject, message);
    }

    private IActorRef WatchCore(IActorRef subject, object? message)
    {
        if (subject is not IInternalActorRef target || subject.Equals(SelfRef)) return subject;
        _watching ??= new Dictionary<IActorRef, object?>();
        if (_watching.TryGetValue(subject, out var existing))
        {
            if (!Equals(existing, message))
                throw new InvalidOperationException(
                    $"Watch({subject}) with message [{message}] conflicts with the existing watch with message [{existing}]; Unwatch first.");
            return subject;
        }
        _watching[subject] = message;
        target.SendSystemMessage(new Watch(target, SelfRef));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (_watching is not null && _watching.Remove(subject) && subject is IInternalActorRef target)
            target.SendSystemMessage(new Unwatch(target, SelfRef));
        _terminatedQueued?.Remove(subject);
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
        (_watchedBy ??= []).Add(watch.Watcher);
    }

    private void HandleUnwatch(Unwatch unwatch) => _watchedBy?.Remove(unwatch.Watcher);

    private void HandleDeathWatchNotification(DeathWatchNotification dwn)
    {
        RemoveChild(dwn.Actor);
        if (_watching is not null && _watching.Remove(dwn.Actor, out var custom) && !IsTerminating)
        {
            (_terminatedQueued ??= []).Add(dwn.Actor);
            // Enqueued as a user message so it arrives after what the dead actor sent us before dying.
            SelfRef.Tell(new WatchedActorTerminated(dwn.Actor, custom ?? new Terminated(dwn.Actor, dwn.ExistenceConfirmed)), dwn.Actor);
        }
    }

    private void TellWatchersWeDied()
    {
        if (_watchedBy is null) return;
        foreach (var watcher in _watchedBy)
        {
            // The parent hears of our death through the notification FinishTerminate sends it.
            if (watcher.Equals(Parent)) continue;
            ((IInternalActorRef)watcher).SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true));
        }
        _watchedBy = null;
    }

    private void UnwatchWatchedActors()
    {
        if (_watching is null) return;
        foreach (var subject in _watching.Keys)
            ((IInternalActorRef)subject).SendSystemMessage(new Unwatch((IInternalActorRef)subject, SelfRef));
        _watching = null;
        _terminatedQueued = null;
    }

    /// <summary>The internal message carrying a watched actor's death to the watcher's own mailbox.</summary>
    internal sealed record WatchedActorTerminated(IActorRef Actor, object Message) : IAutoReceivedMessage, INotInfluenceReceiveTimeout;
}
