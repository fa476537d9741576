using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Export;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Fuzz;

/// <summary>
/// What a fuzz case must do, as the CLI would see it: parse to a definition that stores, draws and runs to a result
/// (exit 0 or 1), or fail validation with at most 21 lines, each one line and located (exit 2). Anything else — another
/// exception, an error without a place, "unexpectedly" in a run's error, a run past its own limits — is an internal error.
/// </summary>
public static class FuzzCheck
{
    public enum Verdict { Valid, Invalid, Internal }

    public sealed record Outcome(Verdict Verdict, string Detail, WorkflowDefinition? Definition = null);

    /// <summary>Parses and validates the case, then writes the definition as the journal does and draws it.</summary>
    public static Outcome Parse(DefinitionFuzzer.Case c)
    {
        try
        {
            var definition = c.FileName.EndsWith(".json", StringComparison.Ordinal)
                ? WorkflowParser.ParseJson(c.Text, c.FileName)
                : WorkflowParser.ParseYaml(c.Text, c.FileName);
            WorkflowJson.DeserializeDefinition(WorkflowJson.SerializeDefinition(definition));
            WorkflowGraph.ToMermaid(definition);
            return new Outcome(Verdict.Valid, "", definition);
        }
        catch (WorkflowValidationException e)
        {
            return BadLines(e.Message, c.FileName) is { } problem
                ? new Outcome(Verdict.Internal, problem)
                : new Outcome(Verdict.Invalid, e.Message[..Math.Min(e.Message.Length, 200)]);
        }
        catch (Exception e)
        {
            return new Outcome(Verdict.Internal, $"{e.GetType().Name}: {ErrorText.OneLine(e.Message)}");
        }
    }

    /// <summary>Null when every line of a validation message is one line that says where: "FILE: $path: …".</summary>
    public static string? BadLines(string message, string source)
    {
        var lines = message.Split('\n');
        if (lines.Length > DefinitionLimits.MaxShownErrors + 1) return $"{lines.Length} error lines";
        foreach (var line in lines)
        {
            if (line.Any(ch => char.IsControl(ch))) return $"a control character in: {ErrorText.OneLine(line)}";
            if (line.Length > 2 * ErrorText.MaxLine) return $"a line of {line.Length} characters";
            var rest = line.StartsWith(source + ": ", StringComparison.Ordinal) ? line[(source.Length + 2)..] : null;
            if (rest is null || !(rest.StartsWith('$') || rest.StartsWith("and ", StringComparison.Ordinal))) return $"no location in: {ErrorText.OneLine(line)}";
        }
        return null;
    }

    /// <summary>
    /// Runs a valid definition with tools that echo and agents that answer at once. Null when it ends with a result that
    /// reports no internal error; "long" when it was still running at <paramref name="cap"/> because of its own settings
    /// (a wait step, a delay, a long timeout); else what went wrong.
    /// </summary>
    public static async Task<string?> RunAsync(WorkflowEngine engine, WorkflowDefinition definition, TimeSpan cap)
    {
        var watch = Stopwatch.StartNew();
        IWorkflowRun run;
        try
        {
            run = await engine.StartAsync(definition, JsonNode.Parse("""{"message": "hello", "items": [1, 2]}"""));
        }
        catch (Exception e)
        {
            return $"start: {e.GetType().Name}: {ErrorText.OneLine(e.Message)}";
        }
        var ended = await Task.WhenAny(run.Completion, Task.Delay(cap));
        if (ended != run.Completion)
        {
            await run.CancelAsync("the fuzz case ran past its cap");
            var ownLimit = definition.Config.Timeout == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : definition.Config.Timeout;
            return ownLimit > cap || MayWait(definition) ? "long" : $"hang: still running after {watch.Elapsed.TotalSeconds:0.0} s, its timeout is {ownLimit}";
        }
        var result = await run.Completion;
        if (result.Error is { } error && (error.Contains("unexpected", StringComparison.OrdinalIgnoreCase) || error.Contains("please report", StringComparison.Ordinal)))
            return $"run: {ErrorText.OneLine(error)}";
        return result.Status == RunStatus.TimedOut && definition.Config.Timeout > cap ? "long" : null;
    }

    // Settings that make a run last by design: a wait step pauses it, delays and backoffs stretch it.
    private static bool MayWait(WorkflowDefinition workflow) =>
        workflow.Loop?.DelayBetweenIterations > TimeSpan.FromMilliseconds(10)
        || workflow.Config.Retry is { MaxAttempts: > 1 }
        || workflow.OwnSteps.Any(s => s.Kind == StepKind.Wait || s.Retry is { MaxAttempts: > 1 } || s.ErrorStrategy == ErrorStrategy.Retry
                                      || (s.Workflow?.Inline is { } inline && MayWait(inline)))
        || workflow.Config.ErrorStrategy == ErrorStrategy.Retry
        || workflow.Workflows.Values.Any(MayWait);

    /// <summary>Services for fuzz runs: every tool name is a tool that echoes its parameters, every agent answers "ok".</summary>
    public static WorkflowServices Services() => new() { Tools = new EchoTools(), Agents = new OkAgents() };

    private sealed class EchoTools : IToolRegistry
    {
        public ITool? Find(string name) => new Echo(name);
        public IReadOnlyCollection<ITool> All => [new Echo("echo")];

        private sealed class Echo(string name) : ITool
        {
            public string Name => name;
            public string Description => "echoes its parameters";
            public JsonObject ParametersSchema => new() { ["type"] = "object" };
            public Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken) =>
                Task.FromResult<JsonNode?>(parameters.DeepClone());
        }
    }

    private sealed class OkAgents : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentResult("ok", request.Model ?? "fuzz/model", new AgentUsage(1, 1)));
    }
}
