using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Tools;
using Microsoft.Extensions.Logging;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary><c>Tool.list()</c>, <c>Tool.info(name)</c>, <c>Tool.invoke(name, params)</c>, <c>Tool.register{name, description, schema, fn}</c>.</summary>
internal static class ToolGlobal
{
    public static void Install(LuaRun run, LuaEnvironment env, LuaSteps steps)
    {
        var tool = run.NewTable();
        tool["list"] = run.Function(_ => run.Marshaller.ToLua(new JsonArray(
            env.Tools.All.Where(t => !steps.IsStepTool(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (JsonNode)Describe(t)).ToArray())));
        tool["info"] = run.Function(a =>
        {
            var t = Find(env, LuaArgs.String(a, 0, "Tool.info", "the tool name"));
            var info = Describe(t);
            info["schema"] = t.ParametersSchema;
            return run.Marshaller.ToLua(info);
        });
        tool["invoke"] = run.Function(a =>
        {
            var t = Find(env, LuaArgs.String(a, 0, "Tool.invoke", "the tool name"));
            var parameters = LuaArgs.Object(run, LuaArgs.At(a, 1), "Tool.invoke", "params");
            var context = new ToolContext("lua", "invoke", env.WorkspaceDirectory, env.Loggers.CreateLogger($"LlmSpell.Tools.{t.Name}"));
            return run.Marshaller.ToLua(run.Wait(ToolInvoker.InvokeAsync(t, parameters, context, run.CancellationToken)));
        });
        tool["register"] = run.Function(a =>
        {
            var spec = LuaArgs.Table(a, 0, "Tool.register", "the tool");
            var name = run.Field(spec, "name") as string ?? throw new ArgumentException("Tool.register: 'name' must be a string (letters, digits, '-' or '_')");
            var description = run.Field(spec, "description") as string ?? throw new ArgumentException($"Tool.register '{name}': 'description' must be a string (models read it to choose the tool)");
            var fn = run.Field(spec, "fn") as LuaFunction ?? throw new ArgumentException($"Tool.register '{name}': 'fn' must be a function(params) returning the result");
            var schema = run.Field(spec, "schema") is null ? new JsonObject { ["type"] = "object" } : LuaArgs.Object(run, run.Field(spec, "schema"), "Tool.register", "schema");
            // The tool is the script's: it leaves the registry when the script ends.
            run.OnEnd(() => env.Tools.Remove(name));
            env.Tools.AddTool(new DelegateTool(name, description, schema, (args, context, ct) =>
                // Called by workflow steps on actor threads: the function runs on the script thread.
                run.OnScriptThread(() => run.Marshaller.ToJson(run.Call(fn, run.Marshaller.ToLua(args.Values), Context(run, context)) is { Length: > 0 } r ? r[0] : null, $"the result of tool '{name}'"))));
            return true;
        });
        run.SetGlobal("Tool", tool);
    }

    internal static LuaTable Context(LuaRun run, ToolContext context)
    {
        var table = run.NewTable();
        table["run_id"] = context.RunId;
        table["step"] = context.StepName;
        return table;
    }

    private static ITool Find(LuaEnvironment env, string name) =>
        env.Tools.Find(name) ?? throw new ArgumentException($"unknown tool '{name}'; available tools: {env.Tools.DescribeAvailable()} (see Tool.list())");

    private static JsonObject Describe(ITool t) => new()
    {
        ["name"] = t.Name,
        ["description"] = t.Description,
    };
}
