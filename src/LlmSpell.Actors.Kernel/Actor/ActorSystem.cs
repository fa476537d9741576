using LlmSpell.Actors.Dispatch;
using LlmSpell.Actors.Event;
using LlmSpell.Actors.Scheduling;
using LlmSpell.Actors.Shutdown;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

/// <summary>A hierarchy of actors with its dispatcher, scheduler, event stream and dead letters.</summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorCell _rootCell;
    private readonly ActorCell _userGuardianCell;
    private readonly ActorCell _systemGuardianCell;
    private readonly Scheduler _scheduler;
    private int _terminateRequested;
    private long _tempNumber;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        LoggerFactory = settings.LoggerFactory;
        Log = LoggerFactory.CreateLogger("LlmSpell.Actors.ActorSystem");
        EventStream = new EventStream();
        _scheduler = new Scheduler(settings.TimeProvider);

        var rootPath = ActorPath.CreateRoot(name);
        DeadLettersRef = new DeadLetterActorRef(rootPath.Child("deadLetters"), EventStream);
        TempPath = rootPath.Child("temp");

        var rootMailbox = new Mailbox(settings.Throughput);
        var rootRef = new LocalActorRef(rootPath);
        // The root's actor is created on its own thread like any other, through its Create message.
        _rootCell = new ActorCell(this, rootRef, Props.Create(() => new RootGuardian()),
            new TheOneWhoWalksTheBubblesOfSpaceTime(this), rootMailbox);
        rootRef.Cell = _rootCell;
        _rootCell.Start();

        var userRef = _rootCell.CreateChild(Props.Create(() => new Guardian(settings.GuardianStrategy)), "user", systemName: false);
        var systemRef = _rootCell.CreateChild(Props.Create(() => new Guardian(SupervisorStrategy.DefaultStrategy)), "system", systemName: false);
        _userGuardianCell = userRef.Cell;
        _systemGuardianCell = systemRef.Cell;
        rootRef.Tell(new RootGuardian.WatchUserGuardian(userRef), ActorRefs.NoSender);

        CoordinatedShutdown = new CoordinatedShutdown(this);
        EventStream.StartUnsubscriber(SystemActorOf(Props.Create(() => new EventStreamUnsubscriber(EventStream)), "eventStreamUnsubscriber"));
        if (settings.LogDeadLetters > 0)
            EventStream.Subscribe(SystemActorOf(Props.Create(() => new DeadLetterListener(settings.LogDeadLetters)), "deadLetterListener"), typeof(DeadLetter));
    }

    /// <summary>Creates and starts an actor system.</summary>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        if (ActorPath.ValidateName(name) is { } problem) throw new InvalidActorNameException($"invalid actor system name: {problem}");
        return new ActorSystem(name, settings ?? ActorSystemSettings.Default);
    }

    public string Name { get; }
    public ActorSystemSettings Settings { get; }
    public ILoggerFactory LoggerFactory { get; }
    internal ILogger Log { get; }
    public EventStream EventStream { get; }
    public IScheduler Scheduler => _scheduler;
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Where undeliverable messages go; each is published as <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters => DeadLettersRef;
    internal DeadLetterActorRef DeadLettersRef { get; }

    internal ActorPath TempPath { get; }

    /// <summary>The sender of messages told from outside any actor (the TestKit sets its TestActor).</summary>
    internal IActorRef? ExternalSender { get; set; }

    /// <summary>Completes when every actor has stopped after <see cref="Terminate"/>.</summary>
    public Task WhenTerminated => _terminated.Task;

    /// <summary>Creates a top-level actor under /user.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardianCell.CreateChild(props, name, systemName: false);

    /// <summary>Creates an actor under /system (runtime infrastructure).</summary>
    internal IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardianCell.CreateChild(props, name, systemName: false);

    /// <summary>Stops an actor asynchronously: its children first, then it; watchers get Terminated.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is IInternalActorRef internalRef) internalRef.Stop();
    }

    /// <summary>Runs coordinated shutdown (its last phase stops every actor) and completes when all have stopped.</summary>
    public Task Terminate() => CoordinatedShutdown.Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);

    /// <summary>The last shutdown phase: stop /user, then /system and the root.</summary>
    internal Task FinalTerminate()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0)
        {
            if (_userGuardianCell.IsTerminated) _rootCell.SelfRef.Stop();
            else _userGuardianCell.SelfRef.Stop();
        }
        return WhenTerminated;
    }

    internal void OnRootTerminated()
    {
        _scheduler.Stop();
        CoordinatedShutdown.Detach();
        _terminated.TrySetResult();
    }

    internal string NextTempName() => "$" + Interlocked.Increment(ref _tempNumber).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    public override string ToString() => $"ActorSystem {Name}";
}
