using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Tools;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>
/// Lua functions used as workflow steps. Each becomes a tool (<c>lua-step-R-N</c>) in the engine's registry, so the step
/// runs as an ordinary tool step on the actor runtime (retries, timeouts, journaling apply); its call is marshalled to
/// the script thread, which runs it while it waits for the workflow.
/// </summary>
internal sealed class LuaSteps
{
    private const string Prefix = "lua-step-";
    private static int _runs;
    private readonly LuaRun _run;
    private readonly ToolRegistry _tools;
    private readonly List<(LuaFunction Function, string Tool)> _registered = [];

    // Scripts may share a registry (one after the other, or at once): each run's step tools have their own names,
    // and leave the registry when the script ends.
    private readonly int _runNumber = Interlocked.Increment(ref _runs);

    public LuaSteps(LuaRun run, ToolRegistry tools)
    {
        _run = run;
        _tools = tools;
        run.OnEnd(() =>
        {
            foreach (var (_, tool) in _registered) tools.Remove(tool);
        });
    }

    public bool IsStepTool(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The tool that runs <paramref name="function"/> (registered once per function).</summary>
    public string Register(LuaFunction function)
    {
        foreach (var (f, tool) in _registered)
            if (f.Equals(function)) return tool;
        var name = $"{Prefix}{_runNumber}-{_registered.Count + 1}";
        var schema = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["input"] = new JsonObject() } };
        // It stands for its own step only: never offered to a model choosing a tool for another step.
        _tools.AddTool(new DelegateTool(name, "A Lua function of the script, run as a workflow step", schema, (args, context, ct) =>
            _run.OnScriptThread(() =>
            {
                var result = _run.Call(function, _run.Marshaller.ToLua(args.Node("input")), ToolGlobal.Context(_run, context));
                return _run.Marshaller.ToJson(result.Length > 0 ? result[0] : null, $"the result of step '{context.StepName}'");
            })) { OfferedToModels = false });
        _registered.Add((function, name));
        return name;
    }
}
