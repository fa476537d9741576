using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Export;
using LlmSpell.Workflows.Results;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>
/// The <c>Workflow</c> global: constructors and the builder live in Workflow.lua; this side validates a definition,
/// runs it on the engine (events to <c>Workflow.on</c>), and draws it.
/// </summary>
internal static class WorkflowGlobal
{
    public static void Install(LuaRun run, LuaEnvironment env, EventHub events, LuaSteps steps)
    {
        var execute = run.Function(a =>
        {
            var definition = Parse(run, a);
            var input = LuaArgs.At(a, 1) is { } value ? run.Marshaller.ToJson(value, "the workflow's input") : null;
            var handle = run.Wait(env.Engine.StartAsync(definition, input, run.CancellationToken));
            var reading = Task.Run(async () =>
            {
                await foreach (var e in handle.Events.ConfigureAwait(false)) events.Publish(e);
            });
            WorkflowResult result;
            try
            {
                result = run.Wait(handle.Completion);
            }
            catch (OperationCanceledException)
            {
                _ = handle.CancelAsync("the script was cancelled");
                throw;
            }
            run.Wait(reading);
            events.ThrowIfFailed();
            return run.Marshaller.ToLua(ToJson(result));
        });
        var graph = run.Function(a =>
        {
            var definition = Parse(run, a);
            return (LuaArgs.At(a, 1) as string ?? "mermaid") switch
            {
                "mermaid" => WorkflowGraph.ToMermaid(definition),
                "dot" => WorkflowGraph.ToDot(definition),
                var other => throw new ArgumentException($"wf:graph('{other}'): the format must be 'mermaid' or 'dot'"),
            };
        });
        var register = run.Function(a => steps.Register(LuaArgs.At(a, 0) as LuaFunction
            ?? throw new ArgumentException("a custom step's fn must be a function")));
        var observed = run.Function(_ => { events.Observed(); return null; });
        var signal = run.Function(a =>
        {
            var runId = LuaArgs.String(a, 0, "Workflow.signal", "the run id");
            var name = LuaArgs.String(a, 1, "Workflow.signal", "the signal name");
            var payload = LuaArgs.At(a, 2) is { } value ? run.Marshaller.ToJson(value, "the signal's payload") : null;
            run.Wait(env.Engine.SignalAsync(runId, name, payload, run.CancellationToken));
            return true;
        });
        var loaded = run.RunResource("Workflow.lua", execute, graph, register, observed, signal);
        run.SetGlobal("Workflow", loaded[0]);
        events.Attach((LuaFunction)loaded[1]!);
    }

    private static WorkflowDefinition Parse(LuaRun run, object?[] args)
    {
        var table = LuaArgs.Table(args, 0, "Workflow", "the definition");
        var json = run.Marshaller.ToJson(table, "workflow");
        var name = (json as JsonObject)?["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : "custom-workflow";
        return WorkflowParser.Parse(json!, $"workflow '{name}'");
    }

    /// <summary>
    /// <c>{run_id, workflow, status, success, output, outputs = {step = output}, steps = {…}, duration_ms, error}</c>.
    /// </summary>
    internal static JsonObject ToJson(WorkflowResult result)
    {
        var outputs = new JsonObject();
        foreach (var step in result.Steps)
            if (step.Status == StepStatus.Completed) outputs[step.Name] = step.Output?.DeepClone();
        return new JsonObject
        {
            ["run_id"] = result.RunId,
            ["workflow"] = result.WorkflowName,
            ["status"] = StatusNames.Of(result.Status),
            ["success"] = result.Status == RunStatus.Completed,
            ["output"] = result.Output?.DeepClone(),
            ["outputs"] = outputs,
            ["steps"] = new JsonArray(result.Steps.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["key"] = s.Key,
                ["kind"] = s.Kind.ToString().ToLowerInvariant(),
                ["status"] = StatusNames.Of(s.Status),
                ["attempts"] = s.Attempts,
                ["duration_ms"] = (long)s.Duration.TotalMilliseconds,
                ["output"] = s.Output?.DeepClone(),
                ["error"] = s.Error,
                ["model"] = s.Model,
                ["tool"] = s.Tool,
            }).ToArray()),
            ["duration_ms"] = (long)result.Duration.TotalMilliseconds,
            ["error"] = result.Error,
        };
    }
}
