using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Hosting.Telemetry;

/// <summary>
/// Subscribed to the event stream's <see cref="WorkflowEvent"/>s: turns them into log entries (properties RunId, Step,
/// Model), spans and metrics. One actor, so one run's events arrive in order.
/// </summary>
public sealed class WorkflowEventListener : ReceiveActor
{
    private readonly ILogger _log;
    private readonly Dictionary<string, RunState> _runs = new(StringComparer.Ordinal);

    private sealed class RunState(Activity? activity, string workflow)
    {
        public Activity? Activity { get; } = activity;
        public string Workflow { get; } = workflow;
        public Dictionary<string, Activity?> Steps { get; } = new(StringComparer.Ordinal);
    }

    public static Props Props(ILoggerFactory loggers) => Akka.Actor.Props.Create(() => new WorkflowEventListener(loggers));

    public WorkflowEventListener(ILoggerFactory loggers)
    {
        _log = loggers.CreateLogger("LlmSpell.Workflows.Runs");
        Receive<RunStarted>(OnRunStarted);
        Receive<StepStarted>(OnStepStarted);
        Receive<StepCompleted>(e => EndStep(e.RunId, e.Key, e.Result, e.Timestamp));
        Receive<StepFailed>(OnStepFailed);
        Receive<StepRetrying>(OnStepRetrying);
        Receive<StepSkipped>(e => _log.LogDebug("Run {RunId}: step {Step} skipped: {Reason}", e.RunId, e.Step, e.Reason));
        Receive<RunCompleted>(e => EndRun(e.RunId, e.Status, null, e.Timestamp));
        Receive<RunFailed>(e => EndRun(e.RunId, RunStatus.Failed, e.Error, e.Timestamp));
        Receive<RunCancelled>(e => EndRun(e.RunId, RunStatus.Cancelled, e.Reason, e.Timestamp));
        Receive<RunTimedOut>(e => EndRun(e.RunId, RunStatus.TimedOut, $"timed out after {e.Timeout}", e.Timestamp));
        Receive<WorkflowEvent>(_ => { });
    }

    protected override void PostStop()
    {
        // The system stops under runs in flight: they stay in the journal; their spans end unfinished.
        foreach (var run in _runs.Values)
        {
            foreach (var step in run.Steps.Values) step?.Stop();
            run.Activity?.SetTag(LlmSpellTelemetry.StatusTag, "interrupted");
            run.Activity?.Stop();
            LlmSpellTelemetry.ActiveRuns.Add(-1, new KeyValuePair<string, object?>(LlmSpellTelemetry.WorkflowTag, run.Workflow));
        }
        _runs.Clear();
        base.PostStop();
    }

    private void OnRunStarted(RunStarted e)
    {
        if (_runs.ContainsKey(e.RunId)) return;
        // A run is its own trace: no ambient parent.
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = LlmSpellTelemetry.ActivitySource.StartActivity("workflow.run " + e.WorkflowName, ActivityKind.Internal, parentContext: default,
            [new(LlmSpellTelemetry.RunIdTag, e.RunId), new(LlmSpellTelemetry.WorkflowTag, e.WorkflowName)], startTime: e.Timestamp);
        Activity.Current = previous;
        _runs[e.RunId] = new RunState(activity, e.WorkflowName);
        var tag = new KeyValuePair<string, object?>(LlmSpellTelemetry.WorkflowTag, e.WorkflowName);
        LlmSpellTelemetry.RunsStarted.Add(1, tag);
        LlmSpellTelemetry.ActiveRuns.Add(1, tag);
        _log.LogInformation("Run {RunId} of workflow {Workflow} started", e.RunId, e.WorkflowName);
    }

    private void OnStepStarted(StepStarted e)
    {
        if (!_runs.TryGetValue(e.RunId, out var run)) return;
        if (run.Steps.Remove(e.Key, out var open)) open?.Stop();
        var previous = Activity.Current;
        Activity.Current = null;
        var step = run.Activity is null
            ? null
            : LlmSpellTelemetry.ActivitySource.StartActivity("workflow.step " + e.Step, ActivityKind.Internal, run.Activity.Context,
                [new(LlmSpellTelemetry.RunIdTag, e.RunId), new(LlmSpellTelemetry.StepTag, e.Step), new(LlmSpellTelemetry.StepKeyTag, e.Key), new(LlmSpellTelemetry.AttemptTag, e.Attempt)],
                startTime: e.Timestamp);
        Activity.Current = previous;
        run.Steps[e.Key] = step;
        _log.LogDebug("Run {RunId}: step {Step} started (attempt {Attempt})", e.RunId, e.Step, e.Attempt);
    }

    private void EndStep(string runId, string key, StepResult result, DateTimeOffset at)
    {
        if (!_runs.TryGetValue(runId, out var run)) return;
        run.Steps.Remove(key, out var activity);
        var tags = new TagList
        {
            { LlmSpellTelemetry.WorkflowTag, run.Workflow },
            { LlmSpellTelemetry.StepKindTag, result.Kind.ToString().ToLowerInvariant() },
            { LlmSpellTelemetry.StatusTag, result.Status.ToString().ToLowerInvariant() },
        };
        LlmSpellTelemetry.StepDuration.Record(result.Duration.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(LlmSpellTelemetry.StepKindTag, result.Kind.ToString().ToLowerInvariant());
            activity.SetTag(LlmSpellTelemetry.StatusTag, result.Status.ToString().ToLowerInvariant());
            if (result.Tool is not null) activity.SetTag(LlmSpellTelemetry.ToolTag, result.Tool);
        }
        if (result.Kind == StepKind.Agent)
        {
            activity?.SetTag(LlmSpellTelemetry.GenAiOperation, "chat");
            if (result.Model is not null) activity?.SetTag(LlmSpellTelemetry.GenAiRequestModel, result.Model);
            if (result.Usage is { } usage)
            {
                activity?.SetTag(LlmSpellTelemetry.GenAiInputTokens, usage.InputTokens);
                activity?.SetTag(LlmSpellTelemetry.GenAiOutputTokens, usage.OutputTokens);
                var model = new KeyValuePair<string, object?>(LlmSpellTelemetry.GenAiRequestModel, result.Model);
                var workflow = new KeyValuePair<string, object?>(LlmSpellTelemetry.WorkflowTag, run.Workflow);
                LlmSpellTelemetry.Tokens.Add(usage.InputTokens, model, workflow, new(LlmSpellTelemetry.GenAiTokenType, "input"));
                LlmSpellTelemetry.Tokens.Add(usage.OutputTokens, model, workflow, new(LlmSpellTelemetry.GenAiTokenType, "output"));
            }
            _log.LogInformation("Run {RunId}: step {Step} completed in {DurationMs:0} ms with model {Model} ({InputTokens} input, {OutputTokens} output tokens)",
                runId, result.Name, result.Duration.TotalMilliseconds, result.Model, result.Usage?.InputTokens ?? 0, result.Usage?.OutputTokens ?? 0);
        }
        else
        {
            _log.LogInformation("Run {RunId}: step {Step} {Status} in {DurationMs:0} ms", runId, result.Name, result.Status, result.Duration.TotalMilliseconds);
        }
        if (result.Status == StepStatus.Failed) activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        Stop(activity, at);
    }

    private void OnStepRetrying(StepRetrying e)
    {
        _log.LogWarning("Run {RunId}: step {Step} failed, attempt {Attempt} in {Delay}: {Error}", e.RunId, e.Step, e.NextAttempt, e.Delay, e.Error);
        if (!_runs.TryGetValue(e.RunId, out var run) || !run.Steps.Remove(e.Key, out var activity) || activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.Error);
        activity.SetTag(LlmSpellTelemetry.StatusTag, "retrying");
        Stop(activity, e.Timestamp);
    }

    private void OnStepFailed(StepFailed e)
    {
        _log.LogWarning("Run {RunId}: step {Step} failed after {Attempts} attempts: {Error}", e.RunId, e.Step, e.Attempts, e.Error);
        if (!_runs.TryGetValue(e.RunId, out var run) || !run.Steps.Remove(e.Key, out var activity) || activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.Error);
        activity.SetTag(LlmSpellTelemetry.StatusTag, "failed");
        Stop(activity, e.Timestamp);
    }

    private void EndRun(string runId, RunStatus status, string? error, DateTimeOffset at)
    {
        if (!_runs.Remove(runId, out var run)) return;
        foreach (var step in run.Steps.Values) Stop(step, at);
        var tag = new KeyValuePair<string, object?>(LlmSpellTelemetry.WorkflowTag, run.Workflow);
        LlmSpellTelemetry.ActiveRuns.Add(-1, tag);
        (status switch
        {
            RunStatus.Completed => LlmSpellTelemetry.RunsCompleted,
            RunStatus.Cancelled => LlmSpellTelemetry.RunsCancelled,
            _ => LlmSpellTelemetry.RunsFailed,
        }).Add(1, tag);
        if (run.Activity is { } activity)
        {
            activity.SetTag(LlmSpellTelemetry.StatusTag, status.ToString().ToLowerInvariant());
            if (status is RunStatus.Failed or RunStatus.TimedOut) activity.SetStatus(ActivityStatusCode.Error, error);
            Stop(activity, at);
        }
        if (status == RunStatus.Completed) _log.LogInformation("Run {RunId} of workflow {Workflow} completed", runId, run.Workflow);
        else _log.LogWarning("Run {RunId} of workflow {Workflow} ended {Status}: {Error}", runId, run.Workflow, status, error);
    }

    private static void Stop(Activity? activity, DateTimeOffset at)
    {
        if (activity is null) return;
        if (at > activity.StartTimeUtc) activity.SetEndTime(at.UtcDateTime);
        activity.Stop();
    }
}
