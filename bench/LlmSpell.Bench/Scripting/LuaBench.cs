using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Scripting.Lua.Globals;
using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Bench.Scripting;

/// <summary>
/// Lua scripting: the interpreter's speed under the budget hook (<c>instructions_per_s</c>, a tight loop), and the
/// cost of a Lua function as a workflow step — a tool step on the actor runtime marshalled to the script thread and
/// back (<c>us_per_step</c>: the wall time of --runs runs of a sequential workflow of --n Lua steps, per step; the
/// median of three scripts). <c>--tool 1</c> makes the steps call a .NET no-op tool instead: the same path without
/// the hop to the script thread and back.
/// </summary>
public static class LuaBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 10);
        var runs = args.Int("runs", 200);
        var loop = args.Int("loop", 50_000_000);
        using var system = ActorSystem.Create("bench", "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var tools = new ToolRegistry().AddTool("noop", "does nothing", new System.Text.Json.Nodes.JsonObject { ["type"] = "object" },
            (_, _, _) => Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null));
        var environment = new LuaEnvironment
        {
            Engine = new WorkflowEngine(system, new WorkflowServices { Agents = new Unused(), Tools = tools }),
            Tools = tools,
            Agents = new Unused(),
            WorkspaceDirectory = Path.GetTempPath(),
        };
        var host = LuaGlobals.Host(environment);

        // Reported per loop iteration (a numeric for with one addition: a few VM instructions each).
        var start = Stopwatch.GetTimestamp();
        await host.RunAsync($"local s = 0 for i = 1, {loop} do s = s + i end return s", "loop.lua", LuaScriptOptions.Default.WithInstructionBudget(0));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        BenchRunner.Emit(new { bench = "lua-loop", iterations = loop, iterations_per_s = Math.Round(loop / seconds), budget_hook = "on (no limit)" });

        var script = $$"""
            local steps = {}
            for i = 1, {{n}} do steps[i] = ARGS.tool and {name = "s" .. i, step_type = "tool", tool = "noop"} or {name = "s" .. i, fn = function(x) return i end} end
            local wf = Workflow.sequential{name = "bench", steps = steps}
            for r = 1, {{runs}} + 20 do
              local result = wf:execute()
              if not result.success then error(result.error) end
            end
            return true
            """;
        var timings = new List<double>();
        for (var r = 0; r < 3; r++)
        {
            start = Stopwatch.GetTimestamp();
            await host.RunAsync(script, "steps.lua", LuaScriptOptions.Default.WithArgs(args.String("tool", "") == "" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["tool"] = "1" }));
            timings.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / ((runs + 20) * n));
        }
        timings.Sort();
        BenchRunner.Emit(new { bench = "lua-step", step = args.String("tool", "") == "" ? "lua-function" : "dotnet-tool", steps_per_run = n, runs = runs + 20, us_per_step = Math.Round(timings[1], 1) });
    }

    private sealed class Unused : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the Lua benchmark calls no agent");
    }
}
