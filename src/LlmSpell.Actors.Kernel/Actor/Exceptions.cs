namespace LlmSpell.Actors;

/// <summary>Base of the kernel's exceptions.</summary>
public class ActorException : Exception
{
    public ActorException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An actor name was empty, malformed or already taken.</summary>
public sealed class InvalidActorNameException(string message) : ActorException(message);

/// <summary>The actor's constructor or PreStart threw; by default the actor is stopped.</summary>
public sealed class ActorInitializationException(IActorRef? actor, string message, Exception? inner = null)
    : ActorException(message, inner)
{
    public IActorRef? Actor { get; } = actor;
}

/// <summary>Raised in an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : ActorException(message);

/// <summary>An actor did not handle the <see cref="Terminated"/> of an actor it watched.</summary>
public sealed class DeathPactException(IActorRef deadActor)
    : ActorException($"Monitored actor {deadActor} terminated and its Terminated message was not handled.")
{
    public IActorRef DeadActor { get; } = deadActor;
}

/// <summary>An Ask got no reply within its timeout.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);

/// <summary>PreRestart threw during a restart; it is logged and the restart goes on.</summary>
public sealed class PreRestartException(IActorRef actor, Exception restartCause, Exception inner)
    : ActorException($"Exception in PreRestart of {actor} while restarting for: {restartCause.Message}", inner);

/// <summary>Props could not produce an actor (no usable constructor, a factory that returned null).</summary>
public sealed class InvalidPropsException(string message, Exception? inner = null) : ActorException(message, inner);
