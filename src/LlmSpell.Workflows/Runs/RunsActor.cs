using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Runs;

/// <summary>A run ready to start: its context (journal, recorded steps of a resumed run), definition and input.</summary>
internal sealed record PreparedRun(RunContext Run, WorkflowDefinition Definition, JsonNode? Input);

/// <summary>Makes a run's context before its coordinator starts: in memory at once; durable runs journal their start (or resume) first.</summary>
internal interface IRunPreparer
{
    Task<PreparedRun> PrepareStartAsync(string runId, WorkflowDefinition definition, JsonNode? input);

    Task<PreparedRun> PrepareResumeAsync(string runId);

    /// <summary>Every problem of a definition sent to the runs actor, the tools it names included.</summary>
    IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition);
}

/// <summary>
/// The runs actor (<c>/user/llmspell-runs</c>): takes the public protocol (<see cref="StartRun"/>, <see cref="CancelRun"/>,
/// <see cref="SignalRun"/>, <see cref="GetRunStatus"/>, <see cref="SubscribeToRun"/>, <see cref="ResumeRun"/>), starts each
/// run's coordinator as its child and routes messages to it by run id.
/// </summary>
internal sealed class RunsActor : ReceiveActor
{
    private sealed record Prepared(PreparedRun Run, IActorRef ReplyTo, IActorRef? Subscriber);
    private sealed record PrepareFailed(string RunId, Exception Cause, IActorRef ReplyTo);

    private readonly IRunPreparer _preparer;
    private readonly Func<string> _newRunId;
    private readonly Dictionary<string, (IActorRef Coordinator, RunContext Run)> _runs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _preparing = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _byCoordinator = [];

    public static Props Props(IRunPreparer preparer, Func<string> newRunId) =>
        ActorProps.Of(() => new RunsActor(preparer, newRunId));

    private RunsActor(IRunPreparer preparer, Func<string> newRunId)
    {
        _preparer = preparer;
        _newRunId = newRunId;
        Receive<StartRun>(OnStart);
        Receive<ResumeRun>(resume =>
        {
            if (Busy(resume.RunId)) return;
            Prepare(resume.RunId, () => _preparer.PrepareResumeAsync(resume.RunId), resume.Subscriber);
        });
        Receive<Prepared>(p => Launch(p.Run, p.ReplyTo, p.Subscriber));
        Receive<PrepareFailed>(f =>
        {
            _preparing.Remove(f.RunId);
            f.ReplyTo.Tell(Rejection(f.RunId, f.Cause), Self);
        });
        Receive<CancelRun>(cancel => WithRun(cancel.RunId, run =>
        {
            run.Coordinator.Tell(new WorkflowCoordinator.Cancel(cancel.Reason), Self);
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
        Receive<SubscribeToRun>(subscribe => WithRun(subscribe.RunId, run =>
        {
            run.Run.Subscribe(subscribe.Subscriber);
            Sender.Tell(new SubscribedToRun(subscribe.RunId), Self);
        }));
        Receive<Terminated>(t =>
        {
            if (_byCoordinator.Remove(t.ActorRef, out var runId)) _runs.Remove(runId);
        });
    }

    private void OnStart(StartRun start)
    {
        var runId = start.RunId ?? _newRunId();
        IReadOnlyList<ValidationError> errors = start.Validated ? [] : _preparer.Validate(start.Definition);
        if (errors.Count > 0)
        {
            var invalid = new WorkflowValidationException(errors, source: null);
            Sender.Tell(new RunRejected(runId, RejectionKind.Invalid, invalid.Message) { Cause = invalid }, Self);
            return;
        }
        if (Busy(runId)) return;
        Prepare(runId, () => _preparer.PrepareStartAsync(runId, start.Definition, start.Input), start.Subscriber);
    }

    /// <summary>Refuses a second run under an id that is active or starting here.</summary>
    private bool Busy(string runId)
    {
        if (!_runs.ContainsKey(runId) && !_preparing.Contains(runId)) return false;
        var reason = $"A run with id '{runId}' is already active.";
        Sender.Tell(new RunRejected(runId, RejectionKind.AlreadyActive, reason) { Cause = new InvalidOperationException(reason) }, Self);
        return true;
    }

    // A run in memory starts at once; a durable one once its start is journaled (piped back: this actor never blocks).
    private void Prepare(string runId, Func<Task<PreparedRun>> prepare, IActorRef? subscriber)
    {
        var replyTo = Sender;
        Task<PreparedRun> task;
        try
        {
            task = prepare();
        }
        catch (Exception ex)
        {
            task = Task.FromException<PreparedRun>(ex);
        }
        if (task.IsCompletedSuccessfully)
        {
            Launch(task.Result, replyTo, subscriber);
            return;
        }
        _preparing.Add(runId);
        task.PipeTo(Self, Self, run => new Prepared(run, replyTo, subscriber), ex => new PrepareFailed(runId, ex, replyTo));
    }

    private void Launch(PreparedRun prepared, IActorRef replyTo, IActorRef? subscriber)
    {
        var run = prepared.Run;
        _preparing.Remove(run.RunId);
        IActorRef coordinator;
        try
        {
            var spec = new CoordinatorSpec(run, prepared.Definition, RunScope.Empty with { Input = prepared.Input?.DeepClone() }, "",
                prepared.Definition.Workflows, IsRoot: true);
            // Subscribed before the coordinator emits its first event.
            if (subscriber is not null) run.Subscribe(subscriber);
            coordinator = Context.ActorOf(WorkflowCoordinator.Props(spec), CoordinatorName(run.RunId));
        }
        catch (InvalidActorNameException ex)
        {
            // Thrown here, it would crash this actor, and its restart would stop every run of the node.
            var reason = $"Run id '{run.RunId}' cannot be used: {ex.Message}";
            replyTo.Tell(new RunRejected(run.RunId, RejectionKind.Invalid, reason) { Cause = new InvalidOperationException(reason, ex) }, Self);
            return;
        }
        Context.Watch(coordinator);
        _runs[run.RunId] = (coordinator, run);
        _byCoordinator[coordinator] = run.RunId;
        replyTo.Tell(new RunAccepted(run.RunId), Self);
    }

    private void WithRun(string runId, Action<(IActorRef Coordinator, RunContext Run)> then)
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

    private static RunRejected Rejection(string runId, Exception cause) => new(runId, cause switch
    {
        KeyNotFoundException => RejectionKind.NotFound,
        InvalidOperationException => RejectionKind.NotApplicable,
        _ => RejectionKind.Journal,
    }, cause.Message) { Cause = cause };

    internal static string CoordinatorName(string runId)
    {
        var chars = runId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var name = "run-" + new string(chars);
        // Ids that differ only in replaced characters ("a/b", "a_b") must not get the same actor name.
        return chars.AsSpan().SequenceEqual(runId) ? name : $"{name}-{StableHash(runId):x8}";
    }

    // FNV-1a: stable across processes (string.GetHashCode is randomised per process).
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    // A coordinator that throws is a bug: stop it (its PostStop completes the run as cancelled) rather than restart it.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
