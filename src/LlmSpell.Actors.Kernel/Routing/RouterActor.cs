using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Routing;

/// <summary>
/// A pool router: creates its routees as children, supervises them with the pool's strategy,
/// forwards each message to the routee its logic picks, and stops when no routee is left.
/// </summary>
internal sealed class RouterActor : ActorBase
{
    private readonly RouterConfig _config;
    private readonly Props _routeeProps;
    private readonly RoutingLogic _logic;
    private readonly List<IActorRef> _routees = [];

    public RouterActor(RouterConfig config, Props routeeProps)
    {
        _config = config;
        _routeeProps = routeeProps;
        _logic = config.CreateRoutingLogic();
    }

    protected override void PreStart()
    {
        if (_config is Pool pool)
            for (var i = 0; i < pool.NrOfInstances; i++) _routees.Add(Context.Watch(Context.ActorOf(_routeeProps)));
        _logic.RouteesChanged(_routees);
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        _config is Pool pool ? pool.SupervisorStrategy : Actors.SupervisorStrategy.DefaultStrategy;

    // Routees survive a restart of the router; Akka restarts them with it.
    protected override void PreRestart(Exception reason, object? message) { }

    protected override void PostRestart(Exception reason)
    {
        _routees.AddRange(Context.Children.Select(Context.Watch));
        _logic.RouteesChanged(_routees);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Terminated t:
                if (_routees.Remove(t.ActorRef)) _logic.RouteesChanged(_routees);
                if (_routees.Count == 0) Context.Stop(Self);
                return true;
            case GetRoutees:
                Sender.Tell(new Routees(_routees.ToArray()), Self);
                return true;
            case Broadcast broadcast:
                foreach (var routee in _routees) routee.Tell(broadcast.Message, Sender);
                return true;
            default:
                if (_routees.Count == 0) return false;
                var target = _logic.Select(message, _routees);
                if (target is null)
                {
                    Log.LogWarning("Message [{MessageType}] to {Router} goes to dead letters: {Reason}",
                        message.GetType().Name, Self, _logic.NoRouteeReason(message));
                    Context.System.DeadLettersRef.Publish(message, Sender, Self);
                    return true;
                }
                target.Tell(message is ConsistentHashableEnvelope envelope ? envelope.Message : message, Sender);
                return true;
        }
    }
}
