using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Templates;
using LlmSpell.Workflows.Events;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary><c>Template.list()</c>, <c>Template.info(id)</c>, <c>Template.schema(id)</c>, <c>Template.execute(id, params)</c>.</summary>
internal static class TemplateGlobal
{
    public static void Install(LuaRun run, LuaEnvironment env, EventHub events)
    {
        var template = run.NewTable();
        template["list"] = run.Function(_ => run.Marshaller.ToLua(new JsonArray(env.Templates.All.Select(t => (JsonNode)Summary(t)).ToArray())));
        template["info"] = run.Function(a =>
        {
            var t = env.Templates.Get(LuaArgs.String(a, 0, "Template.info", "the template id"));
            var info = Summary(t);
            info["parameters"] = t.Parameters.ToJson(t)["parameters"]!.DeepClone();
            return run.Marshaller.ToLua(info);
        });
        template["schema"] = run.Function(a =>
        {
            var t = env.Templates.Get(LuaArgs.String(a, 0, "Template.schema", "the template id"));
            return run.Marshaller.ToLua(t.Parameters.ToJson(t));
        });
        template["execute"] = run.Function(a =>
        {
            var t = env.Templates.Get(LuaArgs.String(a, 0, "Template.execute", "the template id"));
            var parameters = LuaArgs.Object(run, LuaArgs.At(a, 1), "Template.execute", "params");
            var values = parameters.ToDictionary(p => p.Key, p => p.Value?.DeepClone());
            // Bad parameters are reported before anything runs.
            t.Parameters.Bind(t.Id, values);
            var context = new TemplateContext
            {
                Engine = env.Engine,
                Tools = env.Tools,
                IsAgentConfigured = env.IsAgentConfigured,
                OutputDirectory = env.OutputDirectory,
                Progress = new Progress(events),
            };
            var result = run.Wait(t.ExecuteAsync(values, context, run.CancellationToken));
            events.ThrowIfFailed();
            return run.Marshaller.ToLua(ToJson(result));
        });
        run.SetGlobal("Template", template);
    }

    private static JsonObject Summary(ITemplate t) => new()
    {
        ["id"] = t.Id,
        ["name"] = t.Name,
        ["category"] = t.Category,
        ["version"] = t.Version,
        ["description"] = t.Description,
    };

    /// <summary>
    /// The CLI's JSON output, flattened the way scripts read it: <c>result</c> is the value itself and
    /// <c>result_type</c> its type; <c>run_id</c> names the journaled run.
    /// </summary>
    internal static JsonObject ToJson(TemplateResult result)
    {
        var json = result.ToJson();
        var output = (JsonObject)json["result"]!;
        json["result_type"] = output["type"]!.DeepClone();
        json["result"] = output["value"]?.DeepClone();
        json["success"] = result.Status == TemplateStatus.Ok;
        if (result.Metrics.CustomMetrics["run_id"] is JsonValue runId) json["run_id"] = runId.DeepClone();
        return json;
    }

    // The template reports events synchronously on its reading thread; handlers run on the script thread.
    private sealed class Progress(EventHub events) : IProgress<WorkflowEvent>
    {
        public void Report(WorkflowEvent value) => events.Publish(value);
    }
}
