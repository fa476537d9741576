using System.Text.Json.Nodes;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Events;

/// <summary>
/// A progress event of a run. Published on the actor system's event stream and on the run's own
/// event feed, in causal order for each coordinator. <see cref="Path"/> locates the emitter: "" for
/// the run itself, else the nested workflow / branch / iteration, e.g. <c>research/branch-a</c>.
/// </summary>
public abstract record WorkflowEvent
{
    public string RunId { get; init; } = "";
    public string Path { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>A short name for logs and Lua's <c>Workflow.on(name, fn)</c>, e.g. <c>step_completed</c>.</summary>
    public abstract string Kind { get; }
}

public sealed record RunStarted(string WorkflowName, JsonNode? Input) : WorkflowEvent
{
    public override string Kind => "run_started";
}

public sealed record RunCompleted(RunStatus Status, JsonNode? Output, TimeSpan Duration) : WorkflowEvent
{
    public override string Kind => "run_completed";
}

public sealed record RunFailed(string Error, TimeSpan Duration) : WorkflowEvent
{
    public override string Kind => "run_failed";
}

public sealed record RunCancelled(string Reason, TimeSpan Duration) : WorkflowEvent
{
    public override string Kind => "run_cancelled";
}

public sealed record RunTimedOut(TimeSpan Timeout) : WorkflowEvent
{
    public override string Kind => "run_timed_out";
}

public sealed record StepStarted(string Step, string Key, int Attempt) : WorkflowEvent
{
    public override string Kind => "step_started";
}

/// <summary>A chunk of an agent's answer as it streams in.</summary>
public sealed record StepProgress(string Step, string Key, string Text) : WorkflowEvent
{
    public override string Kind => "step_progress";
}

/// <summary>An agent step has received nothing from its model server for a while (<c>stall_warning_s</c>); not journaled.</summary>
public sealed record StepStalled(string Step, string Key, string Message, TimeSpan Silence) : WorkflowEvent
{
    public override string Kind => "step_stalled";
}

public sealed record StepRetrying(string Step, string Key, int NextAttempt, TimeSpan Delay, string Error) : WorkflowEvent
{
    public override string Kind => "step_retrying";
}

public sealed record StepCompleted(string Step, string Key, StepResult Result) : WorkflowEvent
{
    public override string Kind => "step_completed";
}

public sealed record StepFailed(string Step, string Key, string Error, int Attempts) : WorkflowEvent
{
    public override string Kind => "step_failed";
}

public sealed record StepSkipped(string Step, string Key, string Reason) : WorkflowEvent
{
    public override string Kind => "step_skipped";
}

public sealed record BranchSelected(IReadOnlyList<string> Branches, string Reason) : WorkflowEvent
{
    public override string Kind => "branch_selected";
}

public sealed record IterationStarted(long Index, JsonNode? Item) : WorkflowEvent
{
    public override string Kind => "iteration_started";
}

public sealed record IterationCompleted(long Index, JsonNode? Output) : WorkflowEvent
{
    public override string Kind => "iteration_completed";
}

/// <summary>A wait step is waiting for a signal.</summary>
public sealed record SignalAwaited(string Step, string Key, string Signal) : WorkflowEvent
{
    public override string Kind => "signal_awaited";
}

public sealed record SignalReceived(string Step, string Key, string Signal, JsonNode? Payload) : WorkflowEvent
{
    public override string Kind => "signal_received";
}

/// <summary>
/// The first event of a durable run's journal: the definition (versioned JSON, see
/// <see cref="Durability.WorkflowJson"/>) and the input, so that the run can be resumed from the journal alone.
/// </summary>
public sealed record WorkflowStarted(string WorkflowName, JsonNode Definition, JsonNode? Input) : WorkflowEvent
{
    public override string Kind => "workflow_started";
}

/// <summary>
/// Journal only: an engine resumed the run after event <paramref name="AfterSequenceNr"/>. Written before the run goes
/// on, it claims the next sequence number, so that of two engines resuming the same run at once one fails before running anything.
/// </summary>
public sealed record RunResumed(long AfterSequenceNr, int CompletedSteps) : WorkflowEvent
{
    public override string Kind => "run_resumed";
}
