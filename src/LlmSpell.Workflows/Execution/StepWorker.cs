using Akka.Actor;
using LlmSpell.Tools;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Events;

namespace LlmSpell.Workflows.Execution;

/// <summary>A step attempt's failure, carried to the coordinator through supervision.</summary>
internal sealed class StepAttemptException(long attemptId, Exception cause)
    : Exception(cause.Message, cause)
{
    public long AttemptId { get; } = attemptId;
}

/// <summary>
/// A coordinator's supervised worker for agent and tool step attempts. Each attempt's call (an LLM call, a tool) runs as
/// a task: its result goes straight to the coordinator, its failure comes back here and is thrown, so that it reaches
/// the coordinator as supervision. One worker serves all attempts of its coordinator (it holds no state between them),
/// which spares an actor's creation, watch and stop per attempt; a timeout or cancel fires the attempt's token.
/// </summary>
internal sealed class StepWorker : UntypedActor
{
    /// <summary>Runs one agent step attempt; streamed text becomes <see cref="StepProgress"/> events of <paramref name="Run"/>.</summary>
    public sealed record RunAgent(long AttemptId, string Key, string Path, RunContext Run, AgentRequest Request, CancellationToken CancellationToken);

    /// <summary>Runs one tool step attempt: resolves the tool (a model's choice runs here, as part of the task), then invokes it.</summary>
    public sealed record RunTool(
        long AttemptId, ToolResolution? Resolution, ToolRequest Request, IToolResolver Resolver, ToolContext Context, CancellationToken CancellationToken);

    private sealed record Faulted(long AttemptId, Exception Cause);

    public static readonly Props Props = ActorProps.Of(() => new StepWorker());

    private StepWorker()
    {
    }

    // An UntypedActor: created per coordinator, it does not build a ReceiveActor's handler table each time.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            // Both calls are async methods: whatever they throw comes back as a faulted task, never in this handler.
            case RunAgent msg: Report(msg.AttemptId, ExecuteAgentAsync(msg)); break;
            case RunTool msg: Report(msg.AttemptId, InvokeToolAsync(msg)); break;
            // Failures travel as supervision: the coordinator's strategy decides what happens next.
            case Faulted f: throw new StepAttemptException(f.AttemptId, f.Cause);
            default: Unhandled(message); break;
        }
    }

    /// <summary>Success goes straight to the coordinator (no hop through this actor); a failure is thrown here.</summary>
    private void Report(long attemptId, Task<WorkflowCoordinator.StepSucceeded> call)
    {
        if (call.IsCompleted)
        {
            if (call.IsCompletedSuccessfully) Context.Parent.Tell(call.Result, Self);
            else throw new StepAttemptException(attemptId, Cause(call));
            return;
        }
        var coordinator = Context.Parent;
        var self = Self;
        call.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) coordinator.Tell(t.Result, self);
            else self.Tell(new Faulted(attemptId, Cause(t)), self);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static Exception Cause(Task task) => task.Exception?.InnerException ?? new OperationCanceledException("the step was cancelled");

    private static async Task<WorkflowCoordinator.StepSucceeded> ExecuteAgentAsync(RunAgent msg)
    {
        var progress = new StreamToEvents(msg.Run, msg.Path, msg.Request.StepName, msg.Key);
        var r = await msg.Run.Services.Agents.ExecuteAsync(msg.Request, progress, msg.CancellationToken).ConfigureAwait(false);
        return new WorkflowCoordinator.StepSucceeded(msg.AttemptId, Template.OutputFromText(r.Text))
        {
            Model = r.Model,
            Usage = r.Usage,
            CostUsd = r.CostUsd,
        };
    }

    private static async Task<WorkflowCoordinator.StepSucceeded> InvokeToolAsync(RunTool msg)
    {
        var resolution = msg.Resolution ?? await msg.Resolver.ResolveAsync(msg.Request, msg.CancellationToken).ConfigureAwait(false);
        var output = await resolution.InvokeAsync(msg.Context, msg.CancellationToken).ConfigureAwait(false);
        return new WorkflowCoordinator.StepSucceeded(msg.AttemptId, output) { Tool = resolution.Tool.Name, ToolResolution = resolution.How };
    }

    /// <summary>Streams an agent's text, and word of a silent model server, into the run's events (thread-safe: no actor state).</summary>
    private sealed class StreamToEvents(RunContext run, string path, string step, string key) : IProgress<string>, IProgress<AgentStalled>
    {
        public void Report(string value) =>
            run.Emit(new StepProgress(step, key, value) { RunId = run.RunId, Path = path, Timestamp = run.Clock.GetUtcNow() });

        public void Report(AgentStalled value) =>
            run.Emit(new StepStalled(step, key, value.Message, value.Silence) { RunId = run.RunId, Path = path, Timestamp = run.Clock.GetUtcNow() });
    }
}
