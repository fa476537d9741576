namespace LlmSpell.Actors;

/// <summary>A handle to an actor: the only way to talk to it.</summary>
public interface IActorRef : IEquatable<IActorRef>, IComparable<IActorRef>
{
    /// <summary>The actor's path; <see cref="ActorPath.Uid"/> identifies this incarnation.</summary>
    ActorPath Path { get; }

    /// <summary>Sends a message; never blocks and never throws for a stopped receiver (it goes to dead letters).</summary>
    void Tell(object message, IActorRef sender);
}

/// <summary>Well-known refs.</summary>
public static class ActorRefs
{
    /// <summary>The ref that stands for "no actor"; messages to it become dead letters.</summary>
    public static readonly IActorRef Nobody = new NobodyRef();

    /// <summary>The sender used when a message is told from outside any actor.</summary>
    public static readonly IActorRef NoSender = Nobody;

    private sealed class NobodyRef : MinimalActorRef
    {
        public NobodyRef() : base(ActorPath.CreateRoot("nobody").Child("nobody")) { }
        public override void Tell(object message, IActorRef sender) { }
        public override string ToString() => "Nobody";
    }
}

/// <summary>Extensions with Akka.NET's shape: implicit sender, Forward.</summary>
public static class ActorRefExtensions
{
    /// <summary>Tells with the current actor as sender (or the system's external sender outside actors).</summary>
    public static void Tell(this IActorRef receiver, object message) =>
        receiver.Tell(message, ActorCell.CurrentSelfOrExternal(receiver));

    /// <summary>Sends keeping the current message's original sender.</summary>
    public static void Forward(this IActorRef receiver, object message)
    {
        var cell = ActorCell.Current ?? throw new InvalidOperationException("Forward can only be called from inside an actor.");
        receiver.Tell(message, cell.Sender);
    }

    /// <summary>True for <see cref="ActorRefs.Nobody"/> and null.</summary>
    public static bool IsNobody(this IActorRef? actorRef) => actorRef is null || ReferenceEquals(actorRef, ActorRefs.Nobody);
}
