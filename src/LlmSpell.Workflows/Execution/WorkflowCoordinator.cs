using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using Akka.Event;

namespace LlmSpell.Workflows.Execution;

/// <summary>What a coordinator runs: its workflow, the data it starts from, and where it sits in the run.</summary>
internal sealed record CoordinatorSpec(
    RunContext Run,
    WorkflowDefinition Definition,
    RunScope Scope,
    string Path,
    IReadOnlyDictionary<string, WorkflowDefinition> NamedWorkflows,
    bool IsRoot);

/// <summary>
/// Runs one workflow (the run itself, a nested workflow, or a parallel branch) as a message protocol
/// with its supervised children: step actors per attempt, child coordinators for nested workflows,
/// and a pool router for parallel branches. The partial files hold each pattern's protocol.
/// </summary>
internal sealed partial class WorkflowCoordinator : UntypedActor, IWithTimers
{
    // ---- protocol ------------------------------------------------------------------------------

    /// <summary>Cancels the run (or this nested workflow); in-flight calls see their cancellation tokens fire.</summary>
    public sealed record Cancel(string Reason);

    /// <summary>Delivers a signal to a waiting wait step; replies <see cref="Runs.SignalAccepted"/> or <see cref="Runs.RunRejected"/>.</summary>
    public sealed record Signal(string Name, JsonNode? Payload);

    /// <summary>A step attempt succeeded (from a step actor).</summary>
    public sealed record StepSucceeded(long AttemptId, JsonNode? Output)
    {
        public string? Model { get; init; }
        public AgentUsage? Usage { get; init; }
        public decimal CostUsd { get; init; }
        public string? Tool { get; init; }
        public string? ToolResolution { get; init; }
    }

    /// <summary>A child coordinator's outcome, to its parent.</summary>
    public sealed record Finished(CoordinatorOutcome Outcome);

    private sealed record StepTimedOut(long AttemptId);

    /// <summary>A step attempt failed (decided by supervision).</summary>
    private sealed record AttemptFaulted(long AttemptId, Exception Cause);

    /// <summary>An event this coordinator waited for is durable: go on.</summary>
    private sealed record Durable(Action Then);

    /// <summary>The run's journal could not be written: the run cannot go on safely.</summary>
    private sealed record JournalFailed(Exception Cause);
    private sealed record RetryStep(StepRun Run);
    private sealed record RunTimedOut(TimeSpan Timeout);

    /// <summary>Child workflows told to cancel did not all report in time: report without them.</summary>
    private sealed record DrainTimedOut;

    // ---- state ---------------------------------------------------------------------------------

    private readonly CoordinatorSpec _spec;
    private readonly RunContext _run;
    private readonly WorkflowDefinition _definition;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly List<StepResult> _results = [];
    private RunScope _scope;
    private bool _finished;

    /// <summary>A step failed under the <c>continue</c> strategy: the run can at best be partially completed.</summary>
    private bool _failureTolerated;

    // Finishing early (fail-fast, timeout, cancel) cancels child workflows still running and waits for their
    // outcomes, so that their in-flight steps appear in the result as cancelled instead of vanishing.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private readonly HashSet<IActorRef> _drainingChildren = [];
    private int _draining;
    private Action? _report;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CoordinatorSpec spec) => ActorProps.Of(() => new WorkflowCoordinator(spec));

    // What this coordinator added to the scope it started from: all its parent needs back. Handing back the whole
    // scope made every branch carry its siblings' outputs home, and a parallel fan-out quadratic in its size.
    private ImmutableDictionary<string, JsonNode?> _addedOutputs = ImmutableDictionary<string, JsonNode?>.Empty;
    private ImmutableDictionary<string, JsonNode?> _addedState = ImmutableDictionary<string, JsonNode?>.Empty;

    private void SetOutput(string step, JsonNode? output)
    {
        _scope = _scope.WithOutput(step, output);
        _addedOutputs = _addedOutputs.SetItem(step, output);
    }

    private void SetState(string key, JsonNode? value)
    {
        _scope = _scope.WithState(key, value);
        _addedState = _addedState.SetItem(key, value);
    }

    /// <summary>Takes in what a child coordinator added: its steps become visible to the steps after it.</summary>
    private void MergeChild(CoordinatorOutcome outcome)
    {
        _scope = _scope.MergeOutputs(outcome.Outputs).MergeState(outcome.State);
        _addedOutputs = _addedOutputs.SetItems(outcome.Outputs);
        _addedState = _addedState.SetItems(outcome.State);
    }

    private WorkflowCoordinator(CoordinatorSpec spec)
    {
        _spec = spec;
        _run = spec.Run;
        _definition = spec.Definition;
        _scope = spec.Scope;

    }

    // An UntypedActor with a switch: a coordinator is created per run, branch and nested workflow, and a ReceiveActor
    // would build its handler table at every creation.
    protected override void OnReceive(object message)
    {
        try
        {
            switch (message)
            {
                case StepSucceeded m: OnStepSucceeded(m); break;
                case Finished m: OnChildFinished(m); break;
                case StepTimedOut m: OnStepTimedOut(m); break;
                case AttemptFaulted m: OnAttemptFaulted(m); break;
                case RetryStep m: StartAttempt(m.Run); break;
                case Signal m: OnSignal(m); break;
                case Terminated m: OnChildTerminated(m); break;
                case Cancel m: Finish(RunStatus.Cancelled, null, m.Reason); break;
                case RunTimedOut m: Finish(RunStatus.TimedOut, null, $"the workflow '{_definition.Name}' timed out after {Format(m.Timeout)}{RunningAtTimeout()}"); break;
                case BranchFinished m: OnBranchFinished(m); break;
                case NextIteration: NextLoopIteration(); break;
                case Durable m: if (!_finished) m.Then(); break;
                case JournalFailed m: Finish(RunStatus.Failed, null, m.Cause.Message); break;
                case DrainTimedOut: Report(stopSelf: true); break;
                default: Unhandled(message); break;
            }
        }
        catch (Exception ex) when (!_finished)
        {
            FailUnexpectedly(ex);
        }
    }

    protected override void PreStart() => Guard(() =>
    {
        if (_spec.IsRoot) Emit(Stamp(new RunStarted(_definition.Name, _scope.Input?.DeepClone())));
        // Infinite: the limit is enforced by an enclosing coordinator (a parallel branch without its own timeout).
        if (_definition.Config.Timeout != Timeout.InfiniteTimeSpan)
            Timers.StartSingleTimer("run-timeout", new RunTimedOut(_definition.Config.Timeout), _definition.Config.Timeout);
        switch (_definition.Type)
        {
            case WorkflowType.Sequential: StartSequential(); break;
            case WorkflowType.Parallel: StartParallel(); break;
            case WorkflowType.Conditional: StartConditional(); break;
            default: StartLoop(); break;
        }
    });

    // A coordinator must not crash: stopped by its supervisor, a root run would end as "cancelled", and a
    // failure in PreStart (after which Akka calls no PostStop) would never end it at all.
    // An unexpected exception (a throwing tool registry or agent executor, or a bug) fails the workflow instead.
    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (!_finished)
        {
            FailUnexpectedly(ex);
        }
    }

    private void FailUnexpectedly(Exception ex)
    {
        Context.GetLogger().Error(ex, "Workflow '{0}' of run {1} failed unexpectedly", _definition.Name, _run.RunId);
        Finish(RunStatus.Failed, null, $"the workflow '{_definition.Name}' failed unexpectedly: {ex.Message}");
    }

    // Every failure of a child is decided here. A step attempt's failure (from the worker) resumes the worker, which
    // holds no state, and comes back as a message that drives retry or failure. Anything else is a bug of that child:
    // it stops, and its Terminated fails what it ran.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, -1, cause =>
    {
        if (cause is StepAttemptException sae)
        {
            Self.Tell(new AttemptFaulted(sae.AttemptId, sae.InnerException ?? sae), Self);
            return Directive.Resume;
        }
        _unexpectedFailure = cause;
        return Directive.Stop;
    }, loggingEnabled: false);

    protected override void PostStop()
    {
        // A durable run interrupted by an engine stop stays unfinished in its journal, so that it can be resumed.
        if (_spec.IsRoot && !_finished) _run.Close();
        CancelActiveAttempts(drain: false);
        // Stopped while waiting for cancelled children: report what is known.
        Report(stopSelf: false);
        // Handed to another node, it has not ended: its subscribers follow it there.
        if (_spec.IsRoot && !_finished && _run.Draining) _run.Moved();
        else if (_spec.IsRoot && !_finished)
            Complete(RunStatus.Cancelled, null, _run.Persister is null
                ? "the workflow engine stopped before the run finished"
                : "the workflow engine stopped before the run finished; the run is unfinished in the journal and can be resumed");
    }

    private DateTimeOffset Now => _run.Clock.GetUtcNow();

    private Task Emit(WorkflowEvent @event) => _run.Emit(@event);

    /// <summary>Runs <paramref name="then"/> once <paramref name="written"/> is durable: at once in memory, else as a message.</summary>
    private void AfterDurable(Task written, Action then)
    {
        if (written.IsCompletedSuccessfully)
        {
            then();
            return;
        }
        written.PipeTo(Self, Self, () => new Durable(then), ex => new JournalFailed(ex));
    }

    private T Stamp<T>(T @event) where T : WorkflowEvent => @event with { RunId = _run.RunId, Path = _spec.Path, Timestamp = Now };

    private static string Format(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.###} s" : $"{t.TotalMilliseconds:0} ms";

    // A reference into the input of a run started without one is the usual cause: say so.
    private string NoInputHint(DataPath? reference)
    {
        if (reference?.Root != DataRoot.Input || _scope.Input is not null) return "";
        var example = reference.Segments.FirstOrDefault() is string key ? $"{{\"{key}\": ...}}" : "...";
        return $" (the run was started without an input; give it one, e.g. llmspell run FILE --input '{example}')";
    }

    // Which steps the timeout cut short: the innermost running ones under this coordinator (a nested workflow's step runs while its inner steps do).
    private string RunningAtTimeout()
    {
        var prefix = _spec.Path.Length == 0 ? "" : _spec.Path + "/";
        var running = _run.Status().RunningSteps.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var innermost = running.Where(k => !running.Any(other => other.StartsWith(k + "/", StringComparison.Ordinal))).ToList();
        return innermost.Count switch
        {
            0 => " (no step was running)",
            1 => $" while step '{innermost[0]}' was running",
            _ => $" while steps {string.Join(", ", innermost.Take(5).Select(k => $"'{k}'"))}{(innermost.Count > 5 ? $" and {innermost.Count - 5} more" : "")} were running",
        } + "; raise config.timeout_s if the work needs longer";
    }

    private static string Combine(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}/{name}";

    /// <summary>
    /// Ends this workflow: cancels what still runs, then reports to the caller (root) or the parent coordinator —
    /// once the child workflows told to cancel have reported their steps (or <see cref="DrainLimit"/> passed).
    /// </summary>
    private void Finish(RunStatus status, JsonNode? output, string? error)
    {
        if (_finished) return;
        _finished = true;
        Timers.CancelAll();
        CancelActiveAttempts(drain: true);
        CancelRunningBranches();
        _report = () =>
        {
            if (_spec.IsRoot) Complete(status, output, error);
            else Context.Parent.Tell(new Finished(new CoordinatorOutcome(status, output, _addedOutputs, _results.ToArray(), error) { State = _addedState }), Self);
        };
        if (_draining == 0) Report(stopSelf: true);
        else Timers.StartSingleTimer("drain", new DrainTimedOut(), DrainLimit);
    }

    /// <summary>A child workflow told to cancel reported (or stopped): its steps join this workflow's result.</summary>
    private void Drained(IReadOnlyList<StepResult> steps)
    {
        _results.AddRange(steps);
        if (--_draining == 0) Report(stopSelf: true);
    }

    private void Report(bool stopSelf)
    {
        var report = _report;
        _report = null;
        if (report is null) return;
        report();
        if (stopSelf) Context.Stop(Self);
    }

    private void Complete(RunStatus status, JsonNode? output, string? error)
    {
        _finished = true;
        var duration = Stopwatch.GetElapsedTime(_startedAt);
        WorkflowEvent final = status switch
        {
            RunStatus.Failed => new RunFailed(error ?? "failed", duration),
            RunStatus.Cancelled => new RunCancelled(error ?? "cancelled", duration),
            RunStatus.TimedOut => new Events.RunTimedOut(_definition.Config.Timeout),
            _ => new RunCompleted(status, output?.DeepClone(), duration),
        };
        var written = Emit(Stamp(final));
        _run.Complete(new WorkflowResult
        {
            RunId = _run.RunId,
            WorkflowName = _definition.Name,
            Status = status,
            Output = output,
            Steps = _results.ToArray(),
            Duration = duration,
            Error = status is RunStatus.Completed ? null : error,
        }, written);
    }

    /// <summary>The status of a pattern that ran to its end: failures tolerated make it partial.</summary>
    private RunStatus EndStatus => _failureTolerated ? RunStatus.PartiallyCompleted : RunStatus.Completed;
}

/// <summary>What a child coordinator hands back: its status, output, the step outputs and state it added, and its step results.</summary>
internal sealed record CoordinatorOutcome(
    RunStatus Status,
    JsonNode? Output,
    IReadOnlyDictionary<string, JsonNode?> Outputs,
    IReadOnlyList<StepResult> Steps,
    string? Error)
{
    /// <summary>State the child set (a loop's result under its name), visible to the parent's later steps.</summary>
    public IReadOnlyDictionary<string, JsonNode?> State { get; init; } = new Dictionary<string, JsonNode?>();
}
