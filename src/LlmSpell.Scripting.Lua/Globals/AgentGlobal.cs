using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Workflows.Agents;
using NLua;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary><c>Agent.create{model, system, temperature, max_tokens, agent_id}</c>, whose <c>:complete(prompt)</c> returns the answer.</summary>
internal static class AgentGlobal
{
    private static readonly string[] Known = ["model", "system", "system_prompt", "temperature", "max_tokens", "agent_id", "name"];

    public static void Install(LuaRun run, LuaEnvironment env)
    {
        var agent = run.NewTable();
        var calls = 0;
        var complete = run.Function(a =>
        {
            var self = LuaArgs.Table(a, 0, "agent:complete", "the agent (call it as agent:complete(prompt))");
            var prompt = LuaArgs.String(a, 1, "agent:complete", "the prompt");
            var request = new AgentRequest
            {
                RunId = "lua",
                StepName = run.Field(self, "name") as string ?? $"agent-{++calls}",
                Input = prompt,
                AgentId = run.Field(self, "agent_id") as string,
                Model = run.Field(self, "model") as string,
                SystemPrompt = run.Field(self, "system") as string,
                Temperature = run.Field(self, "temperature") switch { long l => l, double d => d, _ => null },
                MaxTokens = run.Field(self, "max_tokens") is long max ? (int)max : null,
            };
            var result = run.Wait(env.Agents.ExecuteAsync(request, null, run.CancellationToken));
            self["last_usage"] = run.Marshaller.ToLua(new System.Text.Json.Nodes.JsonObject
            {
                ["input_tokens"] = result.Usage.InputTokens,
                ["output_tokens"] = result.Usage.OutputTokens,
                ["model"] = result.Model,
            });
            return result.Text;
        });
        agent["create"] = run.Function(a =>
        {
            var spec = LuaArgs.OptionalTable(a, 0, "Agent.create", "the agent's settings") ?? run.NewTable();
            var created = run.NewTable();
            foreach (KeyValuePair<object, object> e in spec)
            {
                if (e.Key is not string key || Array.IndexOf(Known, key) < 0)
                    throw new ArgumentException($"Agent.create: unknown setting '{e.Key}' (known: {string.Join(", ", Known)})");
                created[key == "system_prompt" ? "system" : key] = e.Value;
            }
            if (run.Field(created, "temperature") is { } t and not (long or double))
                throw new ArgumentException($"Agent.create: temperature must be a number from 0 to 2, got {LuaArgs.TypeName(t)}");
            created["complete"] = complete;
            return created;
        });
        run.SetGlobal("Agent", agent);
    }
}
