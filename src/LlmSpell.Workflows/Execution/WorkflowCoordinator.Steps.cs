using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Tools;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Workflows.Execution;

// Running steps: one child per attempt, retries with backoff, timeouts, and step lists.
internal sealed partial class WorkflowCoordinator
{
    /// <summary>All attempts of one step, and what to do when it is over.</summary>
    private sealed class StepRun(StepDefinition step, string key, Action<StepResult> onDone)
    {
        public StepDefinition Step { get; } = step;
        public string Key { get; } = key;
        public Action<StepResult> OnDone { get; } = onDone;
        public int Attempts { get; set; }
        public long FirstStartedAt { get; } = Stopwatch.GetTimestamp();
    }

    /// <summary>The attempt in flight: its child (if any), its cancellation, and the signal it waits for.</summary>
    private sealed class Attempt(long id, StepRun run, CancellationTokenSource cancellation)
    {
        public long Id { get; } = id;
        public StepRun Run { get; } = run;
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public IActorRef? Child { get; set; }
        public string? Signal { get; set; }

        /// <summary>The time limit armed for this attempt, if any.</summary>
        public TimeSpan? Limit { get; set; }
    }

    /// <summary>A list of steps run one after another (a sequence, a chosen branch, a loop body).</summary>
    private sealed class StepList(IReadOnlyList<StepDefinition> steps, string keyPrefix, Action<StepList> onDone)
    {
        public IReadOnlyList<StepDefinition> Steps { get; } = steps;
        public string KeyPrefix { get; } = keyPrefix;
        public Action<StepList> OnDone { get; } = onDone;
        public int Index { get; set; }
        public JsonNode? LastOutput { get; set; }
        public string? Error { get; set; }
        public bool Failed => Error is not null;
    }

    private readonly Dictionary<long, Attempt> _attempts = [];
    private readonly Dictionary<IActorRef, long> _attemptByChild = [];
    private Exception? _unexpectedFailure;

    /// <summary>Runs this coordinator's agent and tool attempts; created with the first one.</summary>
    private IActorRef? _worker;

    private IActorRef Worker
    {
        get
        {
            if (_worker is not null) return _worker;
            _worker = Context.ActorOf(StepWorker.Props, "steps");
            Context.Watch(_worker);
            return _worker;
        }
    }
    private long _nextAttemptId;

    // ---- step lists ------------------------------------------------------------------------------

    private void RunList(StepList list)
    {
        if (_finished) return;
        if (list.Index >= list.Steps.Count)
        {
            list.OnDone(list);
            return;
        }
        var step = list.Steps[list.Index];
        RunStep(step, Combine(list.KeyPrefix, step.Name), result =>
        {
            if (result.Status == StepStatus.Completed)
            {
                list.LastOutput = result.Output;
            }
            else if ((step.ErrorStrategy ?? _definition.Config.ErrorStrategy) == ErrorStrategy.Continue)
            {
                _failureTolerated = true;
            }
            else
            {
                list.Error = $"step '{step.Name}' failed: {result.Error}";
                SkipRemaining(list.Steps.Skip(list.Index + 1), list.KeyPrefix, $"an earlier step ('{step.Name}') failed");
                list.OnDone(list);
                return;
            }
            list.Index++;
            RunList(list);
        });
    }

    private void SkipRemaining(IEnumerable<StepDefinition> steps, string keyPrefix, string reason)
    {
        foreach (var step in steps)
        {
            var key = Combine(keyPrefix, step.Name);
            _results.Add(new StepResult { Name = step.Name, Key = key, Kind = step.Kind, Status = StepStatus.Skipped, Error = reason });
            Emit(Stamp(new StepSkipped(step.Name, key, reason)));
        }
    }

    // ---- attempts ------------------------------------------------------------------------------

    private void RunStep(StepDefinition step, string key, Action<StepResult> onDone) => StartAttempt(new StepRun(step, key, onDone));

    private void StartAttempt(StepRun run)
    {
        // A run handed to another node starts nothing more here: the next node starts this attempt.
        if (_finished || _run.Draining) return;
        // Resumed run: a step that completed before is never run again; its recorded result stands in.
        // A nested workflow runs again instead, so that its own steps' outputs reach this scope (they are all recorded).
        if (run.Attempts == 0 && run.Step.Kind != StepKind.Workflow && _run.Recorded.TryGetValue(run.Key, out var recorded))
        {
            Self.Tell(new Durable(() => Replay(run, recorded)), Self);
            return;
        }
        run.Attempts++;
        var id = ++_nextAttemptId;
        var attempt = new Attempt(id, run, new CancellationTokenSource());
        _attempts[id] = attempt;
        var step = run.Step;
        Emit(Stamp(new StepStarted(step.Name, run.Key, run.Attempts)));
        if (step.Kind is StepKind.Agent or StepKind.Tool) _run.WorkStarted(run.Key);
        try
        {
            switch (step.Kind)
            {
                case StepKind.Agent: StartAgent(attempt); break;
                case StepKind.Tool: StartTool(attempt); break;
                case StepKind.Workflow: StartNestedWorkflow(attempt); break;
                default: StartWait(attempt); break;
            }
        }
        catch (Exception ex) when (ex is TemplateReferenceException or StepConfigurationException or FormatException)
        {
            // Retrying cannot fix a bad reference (FormatException: a malformed {{…}}) or a missing tool: fail the step at once.
            FailAttempt(id, ex, retryable: false);
            return;
        }
        // A wait's own timeout is the specific one; only agent and tool steps fall back to the workflow's step timeout.
        var timeout = step.Kind switch
        {
            StepKind.Wait => step.Wait?.Timeout ?? step.Timeout,
            StepKind.Agent or StepKind.Tool => step.Timeout ?? _definition.Config.StepTimeout,
            _ => step.Timeout,
        };
        if (timeout is { } t)
        {
            attempt.Limit = t;
            Timers.StartSingleTimer(("step-timeout", id), new StepTimedOut(id), t);
        }
    }

    private static string ChildName(StepDefinition step, long id)
    {
        var sb = new StringBuilder("step-");
        foreach (var c in step.Name) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return sb.Append('-').Append(id).ToString();
    }

    private void Spawn(Attempt attempt, Props props)
    {
        var child = Context.ActorOf(props, ChildName(attempt.Run.Step, attempt.Id));
        Context.Watch(child);
        attempt.Child = child;
        _attemptByChild[child] = attempt.Id;
    }

    private void StartAgent(Attempt attempt)
    {
        var step = attempt.Run.Step;
        var spec = step.Agent ?? new AgentStepSpec();
        var input = spec.Input is null ? $"Execute: {step.DisplayDescription}" : Template.Render(spec.Input, _scope);
        var request = new AgentRequest
        {
            RunId = _run.RunId,
            StepName = step.Name,
            Input = input,
            AgentId = spec.AgentId,
            Model = spec.Model,
            SystemPrompt = spec.SystemPrompt is null ? null : Template.Render(spec.SystemPrompt, _scope),
            Temperature = spec.Temperature,
            MaxTokens = spec.MaxTokens,
            Context = spec.IncludeStepOutputs
                ? _scope.Outputs.Select(o => KeyValuePair.Create(o.Key, Template.ToText(o.Value))).ToArray()
                : [],
        };
        Worker.Tell(new StepWorker.RunAgent(attempt.Id, attempt.Run.Key, _spec.Path, _run, request, attempt.Cancellation.Token), Self);
    }

    private void StartTool(Attempt attempt)
    {
        var step = attempt.Run.Step;
        var spec = step.Tool ?? new ToolStepSpec();
        var request = new ToolRequest
        {
            StepName = step.Name,
            Description = step.DisplayDescription,
            ToolName = spec.ToolName,
            Parameters = Template.Render(spec.Parameters, _scope) as JsonObject ?? new JsonObject(),
        };
        var resolver = _run.ToolResolver;
        ToolResolution? resolution;
        try
        {
            // Named and step-name routes resolve here; only a model's choice waits for the step's task.
            resolution = resolver is ToolResolver local ? local.TryResolveWithoutModel(request) : null;
        }
        catch (ToolException ex)
        {
            throw new StepConfigurationException(ex.Message);
        }
        var context = new ToolContext(_run.RunId, step.Name, _run.Services.WorkspaceDirectory,
            _run.Services.LoggerFactory.CreateLogger($"LlmSpell.Tools.{resolution?.Tool.Name ?? step.Name}"));
        Worker.Tell(new StepWorker.RunTool(attempt.Id, resolution, request, resolver, context, attempt.Cancellation.Token), Self);
    }

    private void StartNestedWorkflow(Attempt attempt)
    {
        var step = attempt.Run.Step;
        var spec = step.Workflow ?? throw new StepConfigurationException($"Workflow step '{step.Name}' has no workflow.");
        var definition = spec.Inline
            ?? (spec.Name is { } n && _spec.NamedWorkflows.TryGetValue(n, out var named) ? named : null)
            ?? throw new StepConfigurationException(
                $"Workflow step '{step.Name}' refers to the workflow '{spec.Name}', which is not defined (defined: {string.Join(", ", _spec.NamedWorkflows.Keys)}).");
        var input = spec.Input is null ? _scope.Input?.DeepClone() : Template.Render(spec.Input, _scope);
        // The nested workflow sees its parent's named workflows, and its own ones win over them.
        var namedWorkflows = _spec.NamedWorkflows;
        if (definition.Workflows.Count > 0)
        {
            var merged = new Dictionary<string, WorkflowDefinition>(namedWorkflows);
            foreach (var (name, workflow) in definition.Workflows) merged[name] = workflow;
            namedWorkflows = merged;
        }
        var childSpec = new CoordinatorSpec(_run, definition, _scope with { Input = input }, attempt.Run.Key, namedWorkflows, IsRoot: false);
        Spawn(attempt, Props(childSpec));
    }

    private void StartWait(Attempt attempt)
    {
        var step = attempt.Run.Step;
        var spec = step.Wait ?? throw new StepConfigurationException($"Wait step '{step.Name}' has no signal to wait for.");
        if (!_run.Waiters.TryAdd(spec.Signal, Self))
            throw new StepConfigurationException($"Wait step '{step.Name}' waits for signal '{spec.Signal}', which another step of this run is already waiting for.");
        attempt.Signal = spec.Signal;
        Emit(Stamp(new SignalAwaited(step.Name, attempt.Run.Key, spec.Signal)));
    }

    // ---- outcomes ------------------------------------------------------------------------------

    private void OnStepSucceeded(StepSucceeded msg)
    {
        if (!_attempts.ContainsKey(msg.AttemptId)) return; // timed out or cancelled meanwhile
        Succeed(msg.AttemptId, msg.Output, r => r with
        {
            Model = msg.Model,
            Usage = msg.Usage,
            CostUsd = msg.CostUsd,
            Tool = msg.Tool,
            ToolResolution = msg.ToolResolution,
        });
    }

    private void OnChildFinished(Finished finished)
    {
        if (_drainingChildren.Remove(Sender))
        {
            Context.Unwatch(Sender);
            Drained(finished.Outcome.Steps);
            return;
        }
        if (!_attemptByChild.TryGetValue(Sender, out var id)) return;
        var outcome = finished.Outcome;
        _results.AddRange(outcome.Steps);
        MergeChild(outcome);
        if (outcome.Status is RunStatus.Completed or RunStatus.PartiallyCompleted)
        {
            if (outcome.Status == RunStatus.PartiallyCompleted) _failureTolerated = true;
            Succeed(id, outcome.Output, r => r);
        }
        else
        {
            FailAttempt(id, new NestedWorkflowException($"nested workflow {StatusNames.Of(outcome.Status)}: {outcome.Error}"), retryable: outcome.Status != RunStatus.Cancelled);
        }
    }

    private void OnSignal(Signal signal)
    {
        var attempt = _attempts.Values.FirstOrDefault(a => a.Signal == signal.Name);
        if (attempt is null)
        {
            var reason = $"Run {_run.RunId} is not waiting for signal '{signal.Name}'.";
            Sender.Tell(new RunRejected(_run.RunId, RejectionKind.NotApplicable, reason) { Cause = new InvalidOperationException(reason) }, Self);
            return;
        }
        var written = Emit(Stamp(new SignalReceived(attempt.Run.Step.Name, attempt.Run.Key, signal.Name, signal.Payload?.DeepClone())));
        // The sender hears success once the signal is durable (at once in memory).
        var accepted = new SignalAccepted(_run.RunId, signal.Name);
        if (written.IsCompletedSuccessfully) Sender.Tell(accepted, Self);
        else written.PipeTo(Sender, Self, () => accepted,
            ex => new RunRejected(_run.RunId, RejectionKind.Journal, ex.Message) { Cause = ex });
        Succeed(attempt.Id, signal.Payload, r => r);
    }

    private void OnStepTimedOut(StepTimedOut msg)
    {
        if (!_attempts.TryGetValue(msg.AttemptId, out var attempt)) return;
        var step = attempt.Run.Step;
        if (step.Kind == StepKind.Wait && step.Wait?.Default is { } fallback)
        {
            Succeed(msg.AttemptId, fallback.DeepClone(), r => r);
            return;
        }
        var message = $"step '{step.Name}' timed out after {Format(attempt.Limit ?? TimeSpan.Zero)}";
        // An agent step's timeout names what it waited for and the setting that gives it longer.
        if (step.Kind == StepKind.Agent)
        {
            var target = _run.Services.Agents.Describe(step.Agent?.AgentId, step.Agent?.Model);
            var setting = step.Timeout is null ? "the workflow's step_timeout_s" : "the step's timeout_s";
            message += $"{(target is null ? "" : $" waiting for {target}")}; raise {setting} if the model needs longer";
        }
        FailAttempt(msg.AttemptId, new TimeoutException(message), retryable: step.Kind != StepKind.Wait);
    }

    private void OnAttemptFaulted(AttemptFaulted faulted)
    {
        if (_attempts.ContainsKey(faulted.AttemptId)) FailAttempt(faulted.AttemptId, faulted.Cause, retryable: true);
    }

    private void OnChildTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_worker))
        {
            // The worker itself failed (a bug, not a step's failure): every attempt it ran fails; a new worker serves the next.
            _worker = null;
            var cause = _unexpectedFailure ?? new InvalidOperationException("the step worker stopped before it reported a result");
            _unexpectedFailure = null;
            foreach (var lost in _attempts.Values.Where(a => a.Run.Step.Kind is StepKind.Agent or StepKind.Tool).Select(a => a.Id).ToArray())
                FailAttempt(lost, cause, retryable: true);
            return;
        }
        if (_drainingChildren.Remove(terminated.ActorRef))
        {
            Drained([]);
            return;
        }
        if (!_attemptByChild.TryGetValue(terminated.ActorRef, out var id)) return;
        if (!_attempts.ContainsKey(id)) return;
        var failure = _unexpectedFailure ?? new InvalidOperationException("the nested workflow's coordinator stopped before it reported a result");
        _unexpectedFailure = null;
        FailAttempt(id, failure, retryable: true);
    }

    private Attempt EndAttempt(long id, bool stopChild = true)
    {
        var attempt = _attempts[id];
        _attempts.Remove(id);
        if (attempt.Limit is not null) Timers.Cancel(("step-timeout", id));
        if (attempt.Signal is { } signal) _run.Waiters.TryRemove(new KeyValuePair<string, IActorRef>(signal, Self));
        if (attempt.Child is { } child)
        {
            _attemptByChild.Remove(child);
            if (stopChild)
            {
                Context.Unwatch(child);
                Context.Stop(child);
            }
        }
        attempt.Cancellation.Cancel();
        attempt.Cancellation.Dispose();
        return attempt;
    }

    private void Succeed(long id, JsonNode? output, Func<StepResult, StepResult> details)
    {
        var run = EndAttempt(id).Run;
        var step = run.Step;
        SetOutput(step.Name, output);
        var result = details(new StepResult
        {
            Name = step.Name,
            Key = run.Key,
            Kind = step.Kind,
            Status = StepStatus.Completed,
            Attempts = run.Attempts,
            Duration = Stopwatch.GetElapsedTime(run.FirstStartedAt),
            Output = output,
        });
        _results.Add(result);
        // Durable: the next step starts only when this completion is in the journal.
        AfterDurable(Emit(Stamp(new StepCompleted(step.Name, run.Key, result))), () => run.OnDone(result));
    }

    private void Replay(StepRun run, StepResult recorded)
    {
        SetOutput(run.Step.Name, recorded.Output?.DeepClone());
        _results.Add(recorded);
        run.OnDone(recorded);
    }

    private void FailAttempt(long id, Exception cause, bool retryable)
    {
        var run = EndAttempt(id).Run;
        var step = run.Step;
        var error = cause is OperationCanceledException && _finished ? "cancelled" : cause.Message;
        var policy = RetryPolicyOf(step);
        if (retryable && !_finished && run.Attempts < policy.MaxAttempts)
        {
            var delay = policy.BackoffBefore(run.Attempts + 1, Random.Shared.NextDouble());
            Emit(Stamp(new StepRetrying(step.Name, run.Key, run.Attempts + 1, delay, error)));
            Timers.StartSingleTimer(("retry", run.Key), new RetryStep(run), delay);
            return;
        }
        var result = new StepResult
        {
            Name = step.Name,
            Key = run.Key,
            Kind = step.Kind,
            Status = StepStatus.Failed,
            Attempts = run.Attempts,
            Duration = Stopwatch.GetElapsedTime(run.FirstStartedAt),
            Error = error,
        };
        _results.Add(result);
        Emit(Stamp(new StepFailed(step.Name, run.Key, error, run.Attempts)));
        run.OnDone(result);
    }

    private RetryPolicy RetryPolicyOf(StepDefinition step)
    {
        if (step.Retry is { } own) return own;
        var strategy = step.ErrorStrategy ?? _definition.Config.ErrorStrategy;
        return strategy == ErrorStrategy.Retry && _definition.Config.Retry.MaxAttempts <= 1 ? RetryPolicy.DefaultRetry : _definition.Config.Retry;
    }

    /// <summary>
    /// Cancels every attempt still in flight: tokens fire, children stop, waits are withdrawn. With
    /// <paramref name="drain"/>, a nested workflow is told to cancel instead of stopped, and awaited for its steps.
    /// </summary>
    private void CancelActiveAttempts(bool drain)
    {
        foreach (var id in _attempts.Keys.ToArray())
        {
            var nested = drain && _attempts[id] is { Run.Step.Kind: StepKind.Workflow, Child: { } child } ? child : null;
            var attempt = EndAttempt(id, stopChild: nested is null);
            if (nested is not null)
            {
                _drainingChildren.Add(nested);
                _draining++;
                nested.Tell(new Cancel("the enclosing workflow ended"), Self);
            }
            var step = attempt.Run.Step;
            _results.Add(new StepResult
            {
                Name = step.Name,
                Key = attempt.Run.Key,
                Kind = step.Kind,
                Status = StepStatus.Cancelled,
                Attempts = attempt.Run.Attempts,
                Duration = Stopwatch.GetElapsedTime(attempt.Run.FirstStartedAt),
                Error = "cancelled: the workflow ended before this step finished",
            });
        }
    }
}

/// <summary>A step that cannot run as defined (unknown tool, missing workflow); retrying would not help.</summary>
public sealed class StepConfigurationException(string message) : Exception(message);

/// <summary>A nested workflow did not complete.</summary>
public sealed class NestedWorkflowException(string message) : Exception(message);
