namespace LlmSpell.Actors.Pattern;

/// <summary>When a <see cref="BackoffSupervisor"/> starts its child again.</summary>
public enum BackoffMode
{
    /// <summary>After the child stopped; a failing child is restarted at once by the default strategy (as in Akka).</summary>
    OnStop,
    /// <summary>After the child failed; a child that stops by itself stays stopped.</summary>
    OnFailure,
}

/// <summary>Options of a <see cref="BackoffSupervisor"/>; immutable, with <c>With…</c> methods.</summary>
public sealed record BackoffOptions(Props ChildProps, string ChildName, TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor)
{
    public BackoffMode Mode { get; init; } = BackoffMode.OnFailure;

    /// <summary>Restarts allowed in total; -1 means no limit. After the last one the supervisor stops.</summary>
    public int MaxNrOfRetries { get; init; } = -1;

    /// <summary>
    /// After the child has run this long without failing, the backoff starts from the minimum again;
    /// null means <see cref="MinBackoff"/> (Akka's default) unless <see cref="ManualReset"/> is set.
    /// </summary>
    public TimeSpan? AutoReset { get; init; }

    public static BackoffOptions OnFailure(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor) =>
        new(childProps, childName, minBackoff, maxBackoff, randomFactor) { Mode = BackoffMode.OnFailure };

    public static BackoffOptions OnStop(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor) =>
        new(childProps, childName, minBackoff, maxBackoff, randomFactor) { Mode = BackoffMode.OnStop };

    public BackoffOptions WithMaxNrOfRetries(int maxNrOfRetries) => this with { MaxNrOfRetries = maxNrOfRetries };

    public BackoffOptions WithAutoReset(TimeSpan resetBackoff) => this with { AutoReset = resetBackoff, ManualReset = false };

    /// <summary>True when only <see cref="BackoffSupervisor.Reset"/> sets the backoff back to the minimum.</summary>
    public bool ManualReset { get; init; }

    /// <summary>The backoff is reset only by sending <see cref="BackoffSupervisor.Reset"/>, never automatically (as Akka's <c>WithManualReset</c>).</summary>
    public BackoffOptions WithManualReset() => this with { AutoReset = null, ManualReset = true };

    /// <summary>The delay before restart number <paramref name="restartCount"/> (0-based): min·2ⁿ capped at max, plus jitter.</summary>
    public TimeSpan BackoffFor(int restartCount, double random)
    {
        var exp = Math.Min(MaxBackoff.TotalMilliseconds, MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(restartCount, 30)));
        return TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, exp * (1 + random * RandomFactor)));
    }

    internal void Validate()
    {
        if (MinBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MinBackoff), MinBackoff, "MinBackoff must be positive.");
        if (MaxBackoff < MinBackoff) throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "MaxBackoff must be at least MinBackoff.");
        if (RandomFactor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(RandomFactor), RandomFactor, "RandomFactor must be between 0 and 1.");
    }
}

/// <summary>
/// Starts a child and, when it fails (or stops), starts it again after an exponentially growing
/// delay with jitter — so a flapping dependency is not hammered. Messages to the supervisor go to the child;
/// messages from the child go to the supervisor's parent.
/// </summary>
public sealed class BackoffSupervisor : ReceiveActor
{
    /// <summary>Replies <see cref="CurrentChild"/>.</summary>
    public sealed class GetCurrentChild
    {
        public static readonly GetCurrentChild Instance = new();
        private GetCurrentChild() { }
    }

    public sealed record CurrentChild(IActorRef? Ref);

    /// <summary>Replies <see cref="RestartCount"/>.</summary>
    public sealed class GetRestartCount
    {
        public static readonly GetRestartCount Instance = new();
        private GetRestartCount() { }
    }

    public sealed record RestartCount(int Count);

    /// <summary>Resets the backoff to its minimum.</summary>
    public sealed class Reset
    {
        public static readonly Reset Instance = new();
        private Reset() { }
    }

    private sealed record StartChild;
    private sealed record ResetRestartCount(IActorRef Child, int Count);

    private readonly BackoffOptions _options;
    private IActorRef? _child;
    private int _restartCount;
    private bool _childFailed;

    public static Props Props(BackoffOptions options)
    {
        options.Validate();
        return Actors.Props.Create(() => new BackoffSupervisor(options));
    }

    private BackoffSupervisor(BackoffOptions options)
    {
        _options = options;
        Receive<StartChild>(_ => StartChildNow());
        Receive<Terminated>(t => t.ActorRef.Equals(_child), OnChildTerminated);
        Receive<GetCurrentChild>(_ => Sender.Tell(new CurrentChild(_child), Self));
        Receive<GetRestartCount>(_ => Sender.Tell(new RestartCount(_restartCount), Self));
        Receive<Reset>(_ => _restartCount = 0);
        Receive<ResetRestartCount>(r =>
        {
            if (r.Child.Equals(_child) && r.Count == _restartCount) _restartCount = 0;
        });
        ReceiveAny(message =>
        {
            if (_child is null) Context.System.DeadLetters.Tell(message, Sender);
            // As in Akka: what the child sends its parent goes on to ours, from us; it must not loop back to the child.
            else if (Sender.Equals(_child)) Context.Parent.Tell(message, Self);
            else _child.Tell(message, Sender);
        });
    }

    protected override void PreStart() => StartChildNow();

    // OnFailure: the child's failure stops it; the backoff decides when it comes back.
    // OnStop: as in Akka, failures get the default strategy (restart at once); only a stop is backed off.
    protected override SupervisorStrategy SupervisorStrategy()
    {
        if (_options.Mode == BackoffMode.OnStop) return Actors.SupervisorStrategy.DefaultStrategy;
        return new OneForOneStrategy(ex =>
        {
            _childFailed = true;
            return Actors.SupervisorStrategy.DefaultDecider(ex) == Directive.Escalate ? Directive.Escalate : Directive.Stop;
        });
    }

    private void StartChildNow()
    {
        if (_child is not null) return;
        _childFailed = false;
        _child = Context.Watch(Context.ActorOf(_options.ChildProps, _options.ChildName));
        if (!_options.ManualReset)
            Context.System.Scheduler.ScheduleTellOnce(_options.AutoReset ?? _options.MinBackoff, Self, new ResetRestartCount(_child, _restartCount), Self);
    }

    private void OnChildTerminated(Terminated _)
    {
        _child = null;
        var restart = _options.Mode == BackoffMode.OnStop || _childFailed;
        if (!restart || (_options.MaxNrOfRetries >= 0 && _restartCount >= _options.MaxNrOfRetries))
        {
            Context.Stop(Self);
            return;
        }
        var delay = _options.BackoffFor(_restartCount, Random.Shared.NextDouble());
        _restartCount++;
        Context.System.Scheduler.ScheduleTellOnce(delay, Self, new StartChild(), Self);
    }
}
