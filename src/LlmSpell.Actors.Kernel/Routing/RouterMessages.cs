namespace LlmSpell.Actors.Routing;

/// <summary>Sent to a router: delivers <see cref="Message"/> to every routee.</summary>
public sealed record Broadcast(object Message);

/// <summary>Asks a router for its routees; it replies <see cref="Routees"/>.</summary>
public sealed class GetRoutees
{
    public static readonly GetRoutees Instance = new();
    private GetRoutees() { }
}

/// <summary>The reply to <see cref="GetRoutees"/>.</summary>
public sealed record Routees(IReadOnlyList<IActorRef> Members);

/// <summary>A message that names its own consistent-hash key.</summary>
public interface IConsistentHashable
{
    object ConsistentHashKey { get; }
}

/// <summary>Wraps a message with the key a consistent-hashing router routes it by.</summary>
public sealed record ConsistentHashableEnvelope(object Message, object HashKey) : IConsistentHashable
{
    public object ConsistentHashKey => HashKey;
}
