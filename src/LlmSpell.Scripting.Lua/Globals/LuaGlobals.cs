using LlmSpell.Scripting.Lua.Hosting;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>The globals over the engine: <c>Template</c>, <c>Workflow</c>, <c>Agent</c>, <c>Tool</c>.</summary>
public static class LuaGlobals
{
    /// <summary>An installer for <see cref="LuaScriptHost.With"/>.</summary>
    public static Action<LuaRun> Over(LuaEnvironment environment) => run =>
    {
        var events = new EventHub(run);
        var steps = new LuaSteps(run, environment.Tools);
        TemplateGlobal.Install(run, environment, events);
        WorkflowGlobal.Install(run, environment, events, steps);
        AgentGlobal.Install(run, environment);
        ToolGlobal.Install(run, environment, steps);
    };

    /// <summary>A host with every global over <paramref name="environment"/>.</summary>
    public static LuaScriptHost Host(LuaEnvironment environment) => new LuaScriptHost().With(Over(environment));
}
