using LlmSpell.Actors.Event;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

/// <summary>Base of every actor: behaviour, lifecycle hooks, supervision strategy.</summary>
public abstract class ActorBase
{
    private ActorCell? _cell;
    private Receive? _behavior;
    private Stack<Receive>? _behaviorStack;
    private ILogger? _log;

    protected ActorBase()
    {
        // As in Akka, the context (Self, Context.ActorOf, Watch, ...) is usable from the constructor on.
        _cell = ActorCell.Current ?? throw new ActorInitializationException(null,
            $"Actor {GetType().FullName} must be created by the actor system (ActorOf with Props), not with 'new'.");
    }

    internal void Attach(ActorCell cell) => _cell = cell;

    internal void Detach() => _cell = null;

    /// <summary>This actor's context; valid while the actor is alive.</summary>
    protected IActorContext Context => _cell ?? throw new InvalidOperationException("The actor has stopped; its context is gone.");

    protected IActorRef Self => Context.Self;

    /// <summary>The sender of the message being processed (also after an await in an async handler).</summary>
    protected IActorRef Sender => Context.Sender;

    /// <summary>A logger named after the actor's type.</summary>
    protected ILogger Log => _log ??= Context.System.LoggerFactory.CreateLogger(GetType());

    /// <summary>Handles a message; returns false when the message is not handled.</summary>
    protected abstract bool Receive(object message);

    /// <summary>Called for messages no behaviour handled: publishes <see cref="UnhandledMessage"/>; an unhandled <see cref="Terminated"/> is a death pact.</summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated) throw new DeathPactException(terminated.ActorRef);
        var cell = _cell!;
        cell.System.EventStream.Publish(new UnhandledMessage(message, cell.Sender, cell.Self));
    }

    protected virtual void PreStart() { }

    protected virtual void PostStop() { }

    /// <summary>Before the old instance is replaced; by default stops all children and calls PostStop.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children) Context.Stop(child);
        PostStop();
    }

    /// <summary>On the new instance after a restart; by default calls PreStart.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children. Default: restart on any exception, stop on init/kill/death-pact.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.DefaultStrategy;

    private SupervisorStrategy? _strategy;
    internal SupervisorStrategy SupervisorStrategyInternal => _strategy ??= SupervisorStrategy();

    internal void BecomeBehavior(Receive receive, bool discardOld)
    {
        if (discardOld || _behavior is null)
        {
            _behavior = receive;
            return;
        }
        (_behaviorStack ??= new Stack<Receive>()).Push(_behavior);
        _behavior = receive;
    }

    internal void UnbecomeBehavior()
    {
        _behavior = _behaviorStack is { Count: > 0 } ? _behaviorStack.Pop() : null;
    }

    internal void AroundReceive(object message)
    {
        var handled = _behavior is null ? Receive(message) : _behavior(message);
        if (!handled) Unhandled(message);
    }

    internal void AroundPreStart() => PreStart();
    internal void AroundPostStop() => PostStop();
    internal void AroundPreRestart(Exception cause, object? message) => PreRestart(cause, message);
    internal void AroundPostRestart(Exception cause) => PostRestart(cause);
}
