using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmSpell.Actors;
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

/// <summary>Runs one agent step attempt; the LLM call runs as a task piped back, so the actor stays responsive.</summary>
internal sealed class AgentStep : ReceiveActor
{
    public sealed record Execute(long AttemptId, string Key, AgentRequest Request, CancellationToken CancellationToken);

    private sealed record Done(long AttemptId, AgentResult Result, TimeSpan Duration);

    private sealed record Faulted(long AttemptId, Exception Cause);

    public static Props Props(RunContext run, string path) => Actors.Props.Create(() => new AgentStep(run, path));

    private AgentStep(RunContext run, string path)
    {
        Receive<Execute>(msg =>
        {
            var started = Stopwatch.GetTimestamp();
            var progress = new StreamToEvents(run, path, msg.Request.StepName, msg.Key);
            run.Services.Agents.ExecuteAsync(msg.Request, progress, msg.CancellationToken)
                .PipeTo(Self, Self,
                    result => new Done(msg.AttemptId, result, Stopwatch.GetElapsedTime(started)),
                    ex => new Faulted(msg.AttemptId, ex));
        });
        Receive<Done>(done =>
        {
            var r = done.Result;
            Context.Parent.Tell(new WorkflowCoordinator.StepSucceeded(done.AttemptId, Template.OutputFromText(r.Text))
            {
                Model = r.Model,
                Usage = r.Usage,
                CostUsd = r.CostUsd,
            }, Self);
            Context.Stop(Self);
        });
        // Failures travel as supervision: the coordinator's strategy decides what happens next.
        Receive<Faulted>(f => throw new StepAttemptException(f.AttemptId, f.Cause));
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

/// <summary>Runs one tool step attempt: resolves the tool (a model's choice runs here, as part of the task), then invokes it.</summary>
internal sealed class ToolStep : ReceiveActor
{
    public sealed record Execute(
        long AttemptId, ToolResolution? Resolution, ToolRequest Request, IToolResolver Resolver, ToolContext Context, CancellationToken CancellationToken);

    private sealed record Done(long AttemptId, JsonNode? Output, string Tool, string Resolution);

    private sealed record Faulted(long AttemptId, Exception Cause);

    public static Props Props() => Actors.Props.Create(() => new ToolStep());

    private ToolStep()
    {
        Receive<Execute>(msg =>
        {
            InvokeAsync(msg).PipeTo(Self, Self,
                done => done,
                ex => new Faulted(msg.AttemptId, ex));
        });
        Receive<Done>(done =>
        {
            Context.Parent.Tell(new WorkflowCoordinator.StepSucceeded(done.AttemptId, done.Output)
            {
                Tool = done.Tool,
                ToolResolution = done.Resolution,
            }, Self);
            Context.Stop(Self);
        });
        Receive<Faulted>(f => throw new StepAttemptException(f.AttemptId, f.Cause));
    }

    // A tool that throws synchronously still fails as a task, never inside the actor's handler.
    private static async Task<Done> InvokeAsync(Execute msg)
    {
        var resolution = msg.Resolution ?? await msg.Resolver.ResolveAsync(msg.Request, msg.CancellationToken).ConfigureAwait(false);
        var output = await resolution.InvokeAsync(msg.Context, msg.CancellationToken).ConfigureAwait(false);
        return new Done(msg.AttemptId, output, resolution.Tool.Name, resolution.How);
    }
}
