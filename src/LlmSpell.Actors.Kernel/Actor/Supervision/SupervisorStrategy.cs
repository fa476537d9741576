using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

/// <summary>Maps a child's exception to a <see cref="Directive"/>.</summary>
public delegate Directive Decider(Exception cause);

/// <summary>How a parent handles its children's failures (see Akka's supervision).</summary>
public abstract class SupervisorStrategy
{
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Decider decider, bool loggingEnabled)
    {
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange is { } w && w > TimeSpan.Zero && w != Timeout.InfiniteTimeSpan ? w : null;
        Decider = decider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; -1 means no limit. Exceeding it stops the child.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window for <see cref="MaxNrOfRetries"/>; null means the whole life of the child.</summary>
    public TimeSpan? WithinTimeRange { get; }

    public Decider Decider { get; }

    public bool LoggingEnabled { get; }

    /// <summary>
    /// Akka's default decider: stop on <see cref="ActorInitializationException"/>,
    /// <see cref="ActorKilledException"/> and <see cref="DeathPactException"/>; restart on any other exception.
    /// </summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one with the default decider and no retry limit.</summary>
    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops any failing child.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Applies the directive; false means escalate.</summary>
    internal bool HandleFailure(ActorCell cell, ChildRestartStats failed, Exception cause, ChildRestartStats[] children)
    {
        var directive = Decider(cause);
        if (LoggingEnabled) LogFailure(cell, failed.Child, cause, directive);
        switch (directive)
        {
            case Directive.Resume:
                cell.ResumeChild(failed.Child, cause);
                return true;
            case Directive.Restart:
                ProcessFailure(cell, restart: true, failed, cause, children);
                return true;
            case Directive.Stop:
                ProcessFailure(cell, restart: false, failed, cause, children);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Restart or stop: the failing child only (one-for-one) or all children (all-for-one).</summary>
    protected internal abstract void ProcessFailure(ActorCell cell, bool restart, ChildRestartStats failed, Exception cause,
        ChildRestartStats[] children);

    /// <summary>Called when a child has terminated.</summary>
    protected internal virtual void HandleChildTerminated(ActorCell cell, IActorRef child) { }

    private static void LogFailure(ActorCell cell, IActorRef child, Exception cause, Directive directive)
    {
        var level = directive == Directive.Resume ? LogLevel.Warning : LogLevel.Error;
        if (directive == Directive.Escalate) return; // the supervisor above logs it
        cell.SystemLog.Log(level, cause, "Actor {Child} failed ({Directive}): {Message}", child.Path, directive, cause.Message);
    }
}

/// <summary>Applies the directive to the failing child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    public OneForOneStrategy(Decider decider) : this(-1, null, decider) { }

    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Decider decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled) { }

    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, new Decider(decider), true) { }

    protected internal override void ProcessFailure(ActorCell cell, bool restart, ChildRestartStats failed, Exception cause,
        ChildRestartStats[] children)
    {
        if (restart && failed.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange))
            cell.RestartChild(failed.Child, cause, suspendFirst: false);
        else
            cell.Stop(failed.Child);
    }
}

/// <summary>Applies the directive to all children when one fails.</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    public AllForOneStrategy(Decider decider) : this(-1, null, decider) { }

    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Decider decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled) { }

    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, new Decider(decider), true) { }

    protected internal override void ProcessFailure(ActorCell cell, bool restart, ChildRestartStats failed, Exception cause,
        ChildRestartStats[] children)
    {
        var permitted = restart && children.All(c => c.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange));
        foreach (var stats in children)
        {
            if (permitted) cell.RestartChild(stats.Child, cause, suspendFirst: !stats.Child.Equals(failed.Child));
            else cell.Stop(stats.Child);
        }
    }
}
