using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

/// <summary>The root guardian: stops the system guardian after the user guardian has stopped.</summary>
internal sealed class RootGuardian : ReceiveActor
{
    public RootGuardian()
    {
        Receive<Terminated>(_ => Context.Stop(Self));
        Receive<WatchUserGuardian>(w => Context.Watch(w.Guardian));
    }

    public sealed record WatchUserGuardian(IActorRef Guardian);

    // A failing guardian below the root cannot be restarted meaningfully: stop it, and the system with it.
    protected override SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.StoppingStrategy;
}

/// <summary>The /user and /system guardians: parents of top-level actors.</summary>
internal sealed class Guardian : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public Guardian(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        ReceiveAny(_ => { });
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;

    // Guardians keep their children across restarts of themselves (they never restart in practice).
    protected override void PreRestart(Exception reason, object? message) { }
}

/// <summary>The parent of the root guardian: ends the system when the root stops or fails.</summary>
internal sealed class TheOneWhoWalksTheBubblesOfSpaceTime(ActorSystem system)
    : MinimalActorRef(ActorPath.CreateRoot(system.Name).Child("bubble-walker"))
{
    public override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Failed failed:
                system.Log.LogCritical(failed.Cause, "The root guardian failed; terminating the actor system");
                ((IInternalActorRef)failed.Child).Stop();
                break;
            case DeathWatchNotification:
                system.OnRootTerminated();
                break;
        }
    }

    public override void Tell(object message, IActorRef sender) { }
}
