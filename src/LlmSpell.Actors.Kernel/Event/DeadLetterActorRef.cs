namespace LlmSpell.Actors.Event;

/// <summary>The sink for undeliverable messages: each one is published as a <see cref="DeadLetter"/>.</summary>
public sealed class DeadLetterActorRef : MinimalActorRef
{
    private readonly EventStream _eventStream;

    internal DeadLetterActorRef(ActorPath path, EventStream eventStream) : base(path) => _eventStream = eventStream;

    public override void Tell(object message, IActorRef sender) => Publish(message, sender, this);

    internal void Publish(object message, IActorRef sender, IActorRef recipient)
    {
        switch (message)
        {
            case DeadLetter: // never wrap twice
                _eventStream.Publish(message);
                break;
            case Terminated or ActorCell.WatchedActorTerminated:
                break; // a dead watcher does not care
            case Identify identify:
                // As in Akka: nobody is there, and the asker learns it instead of waiting.
                (sender ?? ActorRefs.NoSender).Tell(new ActorIdentity(identify.MessageId, null), this);
                break;
            default:
                _eventStream.Publish(new DeadLetter(message, sender ?? ActorRefs.NoSender, recipient));
                break;
        }
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        // Watching dead letters means watching something already dead.
        if (message is Watch watch) watch.Watcher.SendSystemMessage(new DeathWatchNotification(watch.Watchee, existenceConfirmed: false));
    }
}
