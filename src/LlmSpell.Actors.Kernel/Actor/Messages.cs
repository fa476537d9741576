namespace LlmSpell.Actors;

/// <summary>Messages the cell handles itself before the actor sees them.</summary>
public interface IAutoReceivedMessage { }

/// <summary>Messages that do not restart the receive-timeout clock.</summary>
public interface INotInfluenceReceiveTimeout { }

/// <summary>Stops the actor after the messages queued before it have been processed.</summary>
public sealed class PoisonPill : IAutoReceivedMessage
{
    public static readonly PoisonPill Instance = new();
    private PoisonPill() { }
    public override string ToString() => "PoisonPill";
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/>; its supervisor decides (default: stop).</summary>
public sealed class Kill : IAutoReceivedMessage
{
    public static readonly Kill Instance = new();
    private Kill() { }
    public override string ToString() => "Kill";
}

/// <summary>Delivered once to each watcher when a watched actor stops.</summary>
/// <param name="ActorRef">The actor that stopped.</param>
/// <param name="ExistenceConfirmed">False when it was already gone when the watch arrived.</param>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed) : IAutoReceivedMessage, INotInfluenceReceiveTimeout;

/// <summary>Sent to an actor that received nothing for its receive timeout.</summary>
public sealed class ReceiveTimeout : IAutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public static readonly ReceiveTimeout Instance = new();
    private ReceiveTimeout() { }
    public override string ToString() => "ReceiveTimeout";
}

/// <summary>Replies that carry success or failure, as in Akka; a Failure faults an Ask.</summary>
public static class Status
{
    public sealed record Success(object? Status);

    public sealed record Failure(Exception Cause, object? State = null);
}

/// <summary>Asks an actor for its ref; it replies <see cref="ActorIdentity"/>.</summary>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

/// <summary>The reply to <see cref="Identify"/>.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);
