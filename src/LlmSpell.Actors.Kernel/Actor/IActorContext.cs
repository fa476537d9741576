namespace LlmSpell.Actors;

/// <summary>What an actor may do with its runtime: spawn, stop, watch, change behaviour, time out.</summary>
public interface IActorContext
{
    IActorRef Self { get; }
    IActorRef Sender { get; }
    IActorRef Parent { get; }
    Props Props { get; }
    ActorSystem System { get; }
    IEnumerable<IActorRef> Children { get; }
    IActorRef? Child(string name);
    IActorRef ActorOf(Props props, string? name = null);
    void Stop(IActorRef actor);
    IActorRef Watch(IActorRef subject);
    IActorRef WatchWith(IActorRef subject, object message);
    IActorRef Unwatch(IActorRef subject);
    void Become(Receive receive);
    void BecomeStacked(Receive receive);
    void UnbecomeStacked();
    void SetReceiveTimeout(TimeSpan? timeout);
    TimeSpan? ReceiveTimeout { get; }
}

/// <summary>A behaviour: returns false for a message it does not handle.</summary>
public delegate bool Receive(object message);
