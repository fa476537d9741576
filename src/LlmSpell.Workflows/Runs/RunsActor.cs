using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Runs;

/// <summary>What the runs actor needs to start runs: their services, ids, and (durable engines) the journal's options.</summary>
internal sealed record RunsSettings(WorkflowServices Services, Func<string> NewRunId, DurableRunOptions? Durable, LiveRuns? Live, string Store)
{
    /// <summary>The one run this actor is the entity of (runs placed by an <see cref="IRunPlacement"/>); null: the node's runs actor.</summary>
    public RunsActor.EntityOf? Entity { get; init; }
}

/// <summary>
/// The runs actor (<c>/user/llmspell-runs</c>): takes the public protocol (<see cref="StartRun"/>, <see cref="CancelRun"/>,
/// <see cref="SignalRun"/>, <see cref="GetRunStatus"/>, <see cref="SubscribeToRun"/>, <see cref="ResumeRun"/>), starts each
/// run as its child — the root coordinator in memory, the run's persistent actor (<see cref="DurableRun"/>) in a durable
/// engine — and routes messages to it by run id. Placed runs (<see cref="IRunPlacement"/>, e.g. a cluster's shards) have one
/// such actor per run id (<see cref="RunsSettings.Entity"/>), which continues its run at once if the journal holds it
/// unfinished, and asks to be let go once its run has ended.
/// </summary>
internal sealed class RunsActor : ReceiveActor, IWithTimers
{
    /// <summary>Records a cancel of an interrupted durable run (not active here). Replies <see cref="RunCancelling"/> or <see cref="RunRejected"/>.</summary>
    public sealed record CancelInterrupted(string RunId, string Reason) : IRunMessage;

    /// <summary>Deletes a durable run that ended by <paramref name="EndedBy"/>. Replies <see cref="DurableRun.Purged"/> or <see cref="RunRejected"/>.</summary>
    public sealed record PurgeRun(string RunId, DateTimeOffset EndedBy) : IRunMessage;

    private readonly RunsSettings _settings;
    private readonly Dictionary<string, (IActorRef Actor, RunContext Run)> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _byActor = [];
    // Durable actors recording a cancel or a purge: no run is active, but nothing else may start under their id meanwhile.
    private readonly Dictionary<IActorRef, string> _chores = [];
    // Requests for an id whose actor is on its way out (its run ended, it refused, or it is a chore): delivered again once it
    // has stopped, so that e.g. a resume right after a run ended finds the run's actor gone rather than "already active".
    private readonly Dictionary<IActorRef, List<(object Message, IActorRef Sender)>> _deferred = [];
    private readonly HashSet<IActorRef> _stopping = [];

    /// <summary>A run's actor tells its parent it is stopping without having started (or after) its run.</summary>
    public sealed record Stopping;

    /// <summary>This actor is the entity of run <paramref name="RunId"/>; it tells its parent <paramref name="Passivate"/> when idle.</summary>
    public sealed record EntityOf(string RunId, object Passivate);

    /// <summary>An entity stops once no run (or chore) is active in it.</summary>
    public sealed class StopWhenIdle
    {
        public static readonly StopWhenIdle Instance = new();
    }

    /// <summary>An entity stops once its run has handed over: attempts running end here, nothing more starts, and the run stays
    /// unfinished in the journal for the next entity to continue.</summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
    }

    private sealed class CheckIdle
    {
        public static readonly CheckIdle Instance = new();
    }

    private sealed class ForgetEnded
    {
        public static readonly ForgetEnded Instance = new();
    }

    // An entity's run actor reading the journal when the entity starts: requests wait until it has resumed the run or stopped.
    private (IActorRef Actor, RunContext Run)? _recovering;
    // An entity's reader that found no run of its id and waits for a StartRun to start one.
    private (IActorRef Actor, RunContext Run)? _vacant;
    // An entity's run that has ended, kept a while for late subscribers (RunObserver following a run that moved).
    private RunContext? _ended;
    private bool _passivating;
    private bool _stopWhenIdle;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RunsSettings settings) => ActorProps.Of(() => new RunsActor(settings));

    private RunsActor(RunsSettings settings)
    {
        _settings = settings;
        if (settings.Entity is not null && settings.Durable is null)
            throw new InvalidOperationException("Placed runs need a journal: give the engine WorkflowEngineOptions.Durability.");
        Receive<object>(message => Defer(_recovering!.Value.Actor, message),
            message => _recovering is not null && !Sender.Equals(_recovering.Value.Actor) && message is StartRun or IRunMessage);
        ReceiveEntityLifecycle();
        Receive<StartRun>(OnStart);
        Receive<ResumeRun>(resume =>
        {
            if (Busy(resume.RunId, resume)) return;
            if (Durable(resume.RunId) is not { } durable) return;
            Launch(resume.RunId, new DurableRun.Resume(), resume.Subscriber, durable);
        });
        Receive<CancelInterrupted>(cancel =>
        {
            if (_runs.TryGetValue(cancel.RunId, out var active))
            {
                active.Actor.Tell(new WorkflowCoordinator.Cancel(cancel.Reason), Self);
                Sender.Tell(new RunCancelling(cancel.RunId), Self);
                return;
            }
            if (Busy(cancel.RunId, cancel) || Durable(cancel.RunId) is not { } durable) return;
            Chore(cancel.RunId, new DurableRun.RecordCancel(cancel.Reason), durable);
        });
        Receive<PurgeRun>(purge =>
        {
            if (Busy(purge.RunId, purge) || Durable(purge.RunId) is not { } durable) return;
            Chore(purge.RunId, new DurableRun.Purge(purge.EndedBy), durable);
        });
        Receive<CancelRun>(cancel => WithRun(cancel.RunId, run =>
        {
            run.Actor.Tell(new WorkflowCoordinator.Cancel(cancel.Reason), Self);
            Sender.Tell(new RunCancelling(cancel.RunId), Self);
        }));
        Receive<SignalRun>(signal => WithRun(signal.RunId, run =>
        {
            if (run.Run.Waiters.TryGetValue(signal.Signal, out var waiter))
            {
                waiter.Forward(new WorkflowCoordinator.Signal(signal.Signal, signal.Payload));
                return;
            }
            var waiting = run.Run.Waiters.Keys.Order(StringComparer.Ordinal).ToArray();
            var reason = $"Run '{signal.RunId}' is not waiting for signal '{signal.Signal}' (it is waiting for: {(waiting.Length == 0 ? "no signal" : string.Join(", ", waiting))}).";
            Sender.Tell(new RunRejected(signal.RunId, RejectionKind.NotApplicable, reason) { Cause = new InvalidOperationException(reason) }, Self);
        }));
        Receive<GetRunStatus>(status => WithRun(status.RunId, run => Sender.Tell(run.Run.Status(), Self)));
        Receive<SubscribeToRun>(subscribe =>
        {
            // An entity's run that ended a moment ago: a subscriber that followed it from another node still gets its result.
            if (!_runs.ContainsKey(subscribe.RunId) && _ended?.RunId == subscribe.RunId)
            {
                _ended.Subscribe(subscribe.Subscriber);
                Sender.Tell(new SubscribedToRun(subscribe.RunId), Self);
                return;
            }
            WithRun(subscribe.RunId, run =>
            {
                run.Run.Subscribe(subscribe.Subscriber);
                Sender.Tell(new SubscribedToRun(subscribe.RunId), Self);
            });
        });
        Receive<Stopping>(_ => _stopping.Add(Sender));
        Receive<Terminated>(t =>
        {
            // An entity's run that stopped neither refusing nor moving has ended (its result may still be on its way to subscribers).
            if (_byActor.Remove(t.ActorRef, out var runId) && _runs.Remove(runId, out var ended)
                && _settings.Entity is not null && !_stopping.Contains(t.ActorRef) && !ended.Run.Draining)
            {
                _ended = ended.Run;
                Timers.StartSingleTimer(nameof(ForgetEnded), ForgetEnded.Instance, _settings.Durable!.KeepEndedRunsFor);
            }
            _chores.Remove(t.ActorRef);
            _stopping.Remove(t.ActorRef);
            if (_recovering?.Actor.Equals(t.ActorRef) == true) _recovering = null;
            if (_vacant?.Actor.Equals(t.ActorRef) == true) _vacant = null;
            Release(t.ActorRef);
            // After the requests released above: they may start a run.
            if (_settings.Entity is not null) Self.Tell(CheckIdle.Instance);
        });
    }

    protected override void PreStart()
    {
        if (_settings.Entity is not { } entity) return;
        // Started for a request, or by a node taking over the run's shard: an unfinished run goes on here either way.
        var (actor, run) = SpawnDurable(entity.RunId, new DurableRun.Adopt(), Self, null, _settings.Durable!);
        if (actor is null) return;
        Context.Watch(actor);
        _recovering = (actor, run);
    }

    private void ReceiveEntityLifecycle()
    {
        // The entity's journal reading resumed its run: requests for it go to the run now.
        Receive<RunAccepted>(_ =>
        {
            var (actor, run) = _recovering!.Value;
            _recovering = null;
            Track(run.RunId, actor, run);
            Release(actor);
        }, _ => _recovering is not null && Sender.Equals(_recovering.Value.Actor));
        // A new id: the reader waits to start the run (a StartRun adopts it) — or is stopped once nothing else is pending.
        Receive<DurableRun.Vacant>(_ =>
        {
            _vacant = _recovering;
            _recovering = null;
            Release(_vacant!.Value.Actor);
            Self.Tell(CheckIdle.Instance);
        }, _ => _recovering is not null && Sender.Equals(_recovering.Value.Actor));
        // Nothing to resume (an ended run): the reader stops, and its Terminated releases the requests.
        Receive<RunRejected>(_ => { }, _ => _recovering is not null && Sender.Equals(_recovering.Value.Actor));
        Receive<CheckIdle>(_ =>
        {
            if (_vacant is { } vacant && Idle)
            {
                // No run came for the vacant reader: it stops, and requests wait for it to be gone.
                _vacant = null;
                _recovering = vacant;
                Context.Stop(vacant.Actor);
                return;
            }
            if (!Idle) return;
            if (_stopWhenIdle) Context.Stop(Self);
            else if (!_passivating)
            {
                _passivating = true;
                Context.Parent.Tell(_settings.Entity!.Passivate, Self);
            }
        });
        Receive<StopWhenIdle>(_ =>
        {
            if (Idle) Context.Stop(Self);
            else _stopWhenIdle = true;
        });
        Receive<ForgetEnded>(_ =>
        {
            _ended = null;
            Self.Tell(CheckIdle.Instance);
        });
        // Its node leaves: the run finishes the attempts it is running (journaled), starts nothing more, and stops unfinished.
        Receive<HandOff>(_ =>
        {
            _stopWhenIdle = true;
            _ended = null;
            foreach (var (actor, _) in _runs.Values) actor.Tell(DurableRun.Drain.Instance);
            _recovering?.Actor.Tell(DurableRun.Drain.Instance);
            _vacant?.Actor.Tell(DurableRun.Drain.Instance);
            Self.Tell(CheckIdle.Instance);
        });
    }

    // Not counting a vacant reader: it is stopped when all else is idle.
    private bool Idle => _runs.Count == 0 && _chores.Count == 0 && _deferred.Count == 0 && _recovering is null && _ended is null;

    private void Defer(IActorRef until, object message)
    {
        if (!_deferred.TryGetValue(until, out var waiting)) _deferred[until] = waiting = [];
        waiting.Add((message, Sender));
    }

    /// <summary>Delivers again the requests that waited for <paramref name="actor"/>.</summary>
    private void Release(IActorRef actor)
    {
        if (_deferred.Remove(actor, out var waiting))
            foreach (var (message, sender) in waiting) Self.Tell(message, sender);
    }

    private void OnStart(StartRun start)
    {
        var runId = start.RunId ?? _settings.NewRunId();
        IReadOnlyList<ValidationError> errors = start.Validated ? [] : WorkflowValidator.Validate(start.Definition, _settings.Services.Tools);
        if (errors.Count > 0)
        {
            var invalid = new WorkflowValidationException(errors, source: null);
            Sender.Tell(new RunRejected(runId, RejectionKind.Invalid, invalid.Message) { Cause = invalid }, Self);
            return;
        }
        if (_vacant is { } vacant && vacant.Run.RunId == runId)
        {
            // The entity's reader found the id new: it starts the run, without reading the journal again.
            _vacant = null;
            vacant.Actor.Tell(new DurableRun.StartHere(new DurableRun.Begin(start.Definition, start.Input, start.StoredDefinition), Sender, start.Subscriber));
            Track(runId, vacant.Actor, vacant.Run);
            return;
        }
        if (Busy(runId, start)) return;
        if (_settings.Durable is { } durable)
        {
            Launch(runId, new DurableRun.Begin(start.Definition, start.Input, start.StoredDefinition), start.Subscriber, durable);
            return;
        }
        var run = new RunContext(runId, _settings.Services, Context.System) { WorkflowName = start.Definition.Name };
        // Subscribed before the coordinator emits its first event.
        if (start.Subscriber is not null) run.Subscribe(start.Subscriber);
        var spec = new CoordinatorSpec(run, start.Definition, RunScope.Empty with { Input = start.Input?.DeepClone() }, "", start.Definition.Workflows, IsRoot: true);
        if (Spawn(runId, WorkflowCoordinator.Props(spec)) is not { } coordinator) return;
        Track(runId, coordinator, run);
        Sender.Tell(new RunAccepted(runId), Self);
    }

    /// <summary>Starts the run's persistent actor, which replies to the requester once the run is recovered and started.</summary>
    private void Launch(string runId, DurableRun.Intent intent, IActorRef? subscriber, DurableRunOptions durable)
    {
        if (SpawnDurable(runId, intent, Sender, subscriber, durable) is ({ } actor, var run)) Track(runId, actor, run);
    }

    private void Chore(string runId, DurableRun.Intent intent, DurableRunOptions durable)
    {
        if (SpawnDurable(runId, intent, Sender, null, durable).Actor is not { } actor) return;
        Context.Watch(actor);
        _chores[actor] = runId;
    }

    /// <summary>The run's persistent actor with <paramref name="intent"/>; it answers <paramref name="replyTo"/>.</summary>
    private (IActorRef? Actor, RunContext Run) SpawnDurable(string runId, DurableRun.Intent intent, IActorRef replyTo, IActorRef? subscriber, DurableRunOptions durable)
    {
        var run = new RunContext(runId, _settings.Services, Context.System);
        return (Spawn(runId, DurableRun.Props(run, intent, replyTo, subscriber, durable, _settings.Live, _settings.Store)), run);
    }

    private IActorRef? Spawn(string runId, Props props)
    {
        try
        {
            return Context.ActorOf(props, RunIds.SafeName(runId));
        }
        catch (InvalidActorNameException ex)
        {
            // Thrown here, it would crash this actor, and its restart would stop every run of the node.
            var reason = $"Run id '{runId}' cannot be used: {ex.Message}";
            Sender.Tell(new RunRejected(runId, RejectionKind.Invalid, reason) { Cause = new InvalidOperationException(reason, ex) }, Self);
            return null;
        }
    }

    private void Track(string runId, IActorRef actor, RunContext run)
    {
        Context.Watch(actor);
        _runs[runId] = (actor, run);
        _byActor[actor] = runId;
    }

    /// <summary>Refuses a second run (or chore) under an id that is active here; one whose actor is stopping waits for it.</summary>
    private bool Busy(string runId, object message)
    {
        if (_vacant is { } vacant && vacant.Run.RunId == runId)
        {
            // A resume, cancel or purge of an id the entity's reader found new: it reads the journal afresh once the reader is gone.
            _vacant = null;
            _recovering = vacant;
            Context.Stop(vacant.Actor);
            Defer(vacant.Actor, message);
            return true;
        }
        IActorRef? leaving = null;
        if (_runs.TryGetValue(runId, out var active))
        {
            if (active.Run.Completion.IsCompleted || _stopping.Contains(active.Actor)) leaving = active.Actor;
        }
        else leaving = _chores.FirstOrDefault(c => c.Value == runId).Key;
        if (leaving is null && !_runs.ContainsKey(runId)) return false;
        if (leaving is not null)
        {
            Defer(leaving, message);
            return true;
        }
        var reason = $"A run with id '{runId}' is already active.";
        Sender.Tell(new RunRejected(runId, RejectionKind.AlreadyActive, reason) { Cause = new InvalidOperationException(reason) }, Self);
        return true;
    }

    private DurableRunOptions? Durable(string runId)
    {
        if (_settings.Durable is { } durable) return durable;
        var reason = "This workflow engine keeps runs in memory only: give it a journal (WorkflowEngineOptions.Durability) to resume, cancel or purge journaled runs.";
        Sender.Tell(new RunRejected(runId, RejectionKind.NotApplicable, reason) { Cause = new InvalidOperationException(reason) }, Self);
        return null;
    }

    private void WithRun(string runId, Action<(IActorRef Actor, RunContext Run)> then)
    {
        if (_runs.TryGetValue(runId, out var run))
        {
            then(run);
            return;
        }
        var unknown = new KeyNotFoundException(
            $"No active run with id '{runId}'. It may have finished already; finished runs cannot be cancelled or signalled.");
        Sender.Tell(new RunRejected(runId, RejectionKind.NotFound, unknown.Message) { Cause = unknown }, Self);
    }

    // A run's actor that throws is a bug: stop it (a coordinator's PostStop completes the run as cancelled) rather than restart it.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
