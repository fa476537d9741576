using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Tools;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>
/// Lua functions used as workflow steps. Each becomes a tool (<c>lua-step-N</c>) in the engine's registry, so the step
/// runs as an ordinary tool step on the actor runtime (retries, timeouts, journaling apply); its call is marshalled to
/// the script thread, which runs it while it waits for the workflow.
/// </summary>
internal sealed class LuaSteps(LuaRun run, ToolRegistry tools)
{
    private const string Prefix = "lua-step-";
    private readonly List<(LuaFunction Function, string Tool)> _registered = [];

    public bool IsStepTool(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The tool that runs <paramref name="function"/> (registered once per function).</summary>
    public string Register(LuaFunction function)
    {
        foreach (var (f, tool) in _registered)
            if (f.Equals(function)) return tool;
        var name = Prefix + (_registered.Count + 1);
        var schema = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["input"] = new JsonObject() } };
        tools.AddTool(new DelegateTool(name, "A Lua function of the script, run as a workflow step", schema, (args, context, ct) =>
            run.OnScriptThread(() =>
            {
                var result = run.Call(function, run.Marshaller.ToLua(args.Node("input")), ToolGlobal.Context(run, context));
                return run.Marshaller.ToJson(result.Length > 0 ? result[0] : null, $"the result of step '{context.StepName}'");
            })));
        _registered.Add((function, name));
        return name;
    }
}
