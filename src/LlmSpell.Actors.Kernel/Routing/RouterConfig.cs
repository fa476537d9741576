namespace LlmSpell.Actors.Routing;

/// <summary>Makes <c>ActorOf</c> create a router instead of a single actor.</summary>
public abstract class RouterConfig
{
    internal abstract RoutingLogic CreateRoutingLogic();
}

/// <summary>A router that creates and supervises its own routees.</summary>
public abstract class Pool : RouterConfig
{
    protected Pool(int nrOfInstances, SupervisorStrategy? supervisorStrategy)
    {
        if (nrOfInstances < 1)
            throw new ArgumentOutOfRangeException(nameof(nrOfInstances), nrOfInstances, "A pool needs at least one routee.");
        NrOfInstances = nrOfInstances;
        SupervisorStrategy = supervisorStrategy ?? DefaultSupervisorStrategy;
    }

    /// <summary>As in Akka: a routee's failure escalates to the router's parent, whose decision applies to all routees.</summary>
    public static readonly SupervisorStrategy DefaultSupervisorStrategy = new OneForOneStrategy(_ => Directive.Escalate);

    public int NrOfInstances { get; }

    /// <summary>How the pool supervises its routees.</summary>
    public SupervisorStrategy SupervisorStrategy { get; }

    public override string ToString() => $"{GetType().Name}({NrOfInstances})";
}

/// <summary>Sends each message to the next routee in turn.</summary>
public sealed class RoundRobinPool(int nrOfInstances, SupervisorStrategy? supervisorStrategy = null) : Pool(nrOfInstances, supervisorStrategy)
{
    public RoundRobinPool WithSupervisorStrategy(SupervisorStrategy strategy) => new(NrOfInstances, strategy);
    internal override RoutingLogic CreateRoutingLogic() => new RoundRobinRoutingLogic();
}

/// <summary>Sends each message to an idle routee, else the one with the fewest queued messages.</summary>
public sealed class SmallestMailboxPool(int nrOfInstances, SupervisorStrategy? supervisorStrategy = null) : Pool(nrOfInstances, supervisorStrategy)
{
    public SmallestMailboxPool WithSupervisorStrategy(SupervisorStrategy strategy) => new(NrOfInstances, strategy);
    internal override RoutingLogic CreateRoutingLogic() => new SmallestMailboxRoutingLogic();
}

/// <summary>Sends messages with the same hash key to the same routee (a consistent-hash ring).</summary>
public sealed class ConsistentHashingPool(
    int nrOfInstances,
    Func<object, object?>? hashMapping = null,
    int virtualNodesFactor = 10,
    SupervisorStrategy? supervisorStrategy = null) : Pool(nrOfInstances, supervisorStrategy)
{
    public ConsistentHashingPool WithHashMapping(Func<object, object?> mapping) => new(NrOfInstances, mapping, virtualNodesFactor, SupervisorStrategy);
    public ConsistentHashingPool WithSupervisorStrategy(SupervisorStrategy strategy) => new(NrOfInstances, hashMapping, virtualNodesFactor, strategy);
    internal override RoutingLogic CreateRoutingLogic() => new ConsistentHashingRoutingLogic(hashMapping, virtualNodesFactor);
}
