using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Globals;

/// <summary><c>Workflow</c>: the four constructors, the builder, Lua steps on the actor runtime, events, graphs, errors.</summary>
public sealed class WorkflowGlobalSpec : IClassFixture<LuaEngine>
{
    private readonly LuaEngine _engine;
    private readonly Scripts _scripts;

    public WorkflowGlobalSpec(LuaEngine engine)
    {
        _engine = engine;
        engine.Ollama.Reset();
        _scripts = engine.Scripts();
    }

    [Fact]
    public async Task Cancelling_the_script_while_it_waits_for_a_workflow_stops_both()
    {
        var (host, tools) = _engine.Create();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tools.AddTool(new LlmSpell.Tools.DelegateTool("ready", "signals the test", new System.Text.Json.Nodes.JsonObject { ["type"] = "object" },
            (_, _, _) => { waiting.TrySetResult(); return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null); }));
        using var cts = new CancellationTokenSource();
        var run = new Scripts(host).Run("""
            local wf = Workflow.sequential{name = "held", steps = {
              {name = "ready", step_type = "tool", tool = "ready"},
              {name = "hold", step_type = "wait", signal = "never", timeout_s = 600}}}
            wf:execute()
            """, cancellationToken: cts.Token);
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        cts.Cancel();

        var act = () => run;
        (await act.Should().ThrowAsync<LlmSpell.Scripting.Lua.Hosting.LuaScriptError>()).Which.Message.Should().Be("script cancelled");
    }

    [Fact]
    public async Task Sequential_runs_tools_and_Lua_steps_in_order_and_outputs_are_readable()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.sequential{
              name = "calc",
              steps = {
                {name = "six", step_type = "tool", tool = "calculator", parameters = {expression = "2 * 3"}},
                {name = "double", input = "{{steps.six.output.result}}", fn = function(n, ctx) return {value = n * 2, step = ctx.step} end},
                function(input) return "input was " .. input.word end,
              },
            }
            local r = wf:execute({word = "hello"})
            return {success = r.success, status = r.status, six = wf:get_output("six").result, double = wf:get_output("double"),
                    third = wf:get_output("step-3"), steps = #r.steps, output = r.output}
            """);
        result!["success"]!.GetValue<bool>().Should().BeTrue(result.ToJsonString());
        result["six"]!.GetValue<long>().Should().Be(6);
        result["double"]!.ToJsonString().Should().Be("""{"step":"double","value":12}""");
        result["third"]!.GetValue<string>().Should().Be("input was hello");
        result["steps"]!.GetValue<long>().Should().Be(3);
    }

    [Fact]
    public async Task Parallel_branches_run_Lua_steps_and_optional_failures_are_tolerated()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.parallel{
              name = "fan-out", max_concurrency = 2, fail_fast = false,
              branches = {
                {name = "a", steps = {{name = "a1", fn = function() return "A" end}}},
                {name = "b", steps = {{name = "b1", fn = function() return "B" end}}},
                {name = "c", optional = true, steps = {{name = "c1", fn = function() error("c is broken") end}}},
              },
            }
            local r = wf:execute()
            local c1
            for _, s in ipairs(r.steps) do if s.name == "c1" then c1 = s end end
            return {status = r.status, a = wf:get_output("a1"), b = wf:get_output("b1"), c_status = c1.status, c_error = c1.error}
            """);
        result!["a"]!.GetValue<string>().Should().Be("A");
        result["b"]!.GetValue<string>().Should().Be("B");
        result["c_status"]!.GetValue<string>().Should().Be("failed");
        result["c_error"]!.GetValue<string>().Should().Contain("test.lua:6: c is broken");
        result["status"]!.GetValue<string>().Should().BeOneOf("completed", "partially_completed");
    }

    [Fact]
    public async Task Conditional_routes_on_data_conditions()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.conditional{
              name = "router",
              branches = {
                {name = "big", condition = {gt = {path = "input.total", value = 100}}, steps = {{name = "vip", fn = function() return "vip" end}}},
                {name = "other", default = true, steps = {{name = "normal", fn = function() return "normal" end}}},
              },
            }
            local big = wf:execute({total = 250})
            local first = wf:get_output("vip")
            local small = wf:execute({total = 5})
            return {first = first, second = wf:get_output("normal"), vip_again = wf:get_output("vip")}
            """);
        result!.ToJsonString().Should().Be("""{"first":"vip","second":"normal"}""");
    }

    [Fact]
    public async Task Loop_iterates_with_break_and_aggregation()
    {
        var result = await _scripts.Run("""
            local seen = {}
            local wf = Workflow.loop{
              name = "count",
              range = {start = 0, ["end"] = 10, step = 1},
              break_when = {gte = {path = "steps.square.output", value = 16}},
              aggregation = "collect_all",
              steps = {{name = "square", input = "{{loop.item}}", fn = function(i) seen[#seen + 1] = i return i * i end}},
            }
            local r = wf:execute()
            return {output = r.output, seen = seen}
            """);
        result!["seen"]!.ToJsonString().Should().Be("[0,1,2,3,4]");
        result["output"]!.ToJsonString().Should().Contain("16");
    }

    [Fact]
    public async Task Nested_workflows_and_retries_and_wait_timeouts_work()
    {
        var result = await _scripts.Run("""
            local attempts = 0
            local inner = Workflow.sequential{
              name = "inner",
              steps = {{name = "flaky", retry = {max_attempts = 3, initial_backoff_ms = 1, jitter = 0},
                        fn = function() attempts = attempts + 1 if attempts < 3 then error("not yet") end return "ok after " .. attempts end}},
            }
            local outer = Workflow.sequential{
              name = "outer",
              steps = {
                inner,
                {name = "pause", step_type = "wait", signal = "never", timeout_ms = 50, default = {approved = false}},
                {name = "after", input = "{{steps.flaky.output}}", fn = function(x) return x .. "!" end},
              },
            }
            local r = outer:execute()
            local flaky
            for _, s in ipairs(r.steps) do if s.name == "flaky" then flaky = s end end
            return {status = r.status, after = outer:get_output("after"), attempts = flaky.attempts, pause = outer:get_output("pause")}
            """);
        result!.ToJsonString().Should().Be("""{"after":"ok after 3!","attempts":3,"pause":{"approved":false},"status":"completed"}""");
    }

    [Fact]
    public async Task A_step_timeout_fails_the_step()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.sequential{name = "slow", steps = {{name = "hold", step_type = "wait", signal = "go", timeout_ms = 30}}}
            local r = wf:execute()
            return {status = r.status, error = r.error}
            """);
        result!["status"]!.GetValue<string>().Should().Be("failed");
    }

    [Fact]
    public async Task The_builder_covers_the_same_definitions()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.builder("built")
              :parallel()
              :max_concurrency(2)
              :fail_fast(true)
              :timeout(30)
              :branch{name = "x", steps = {{name = "x1", fn = function() return 1 end}}}
              :branch{name = "y", steps = {{name = "y1", step_type = "tool", tool = "calculator", parameters = {expression = "1+1"}}}}
              :build()
            local r = wf:execute()
            local looped = Workflow.builder("looped"):loop{for_each = {"a", "b"}}:step{name = "echo", input = "{{loop.item}}", fn = function(s) return s:upper() end}:build()
            local l = looped:execute()
            return {name = wf.name, status = r.status, x = wf:get_output("x1"), y = wf:get_output("y1").result, loop = l.output}
            """);
        result!.ToJsonString().Should().Be("""{"loop":["A","B"],"name":"built","status":"completed","x":1,"y":2}""");
    }

    [Fact]
    public async Task Graph_draws_Mermaid()
    {
        var graph = (await _scripts.Run("""
            local g = Workflow.sequential{name = "g", steps = {{name = "first", step_type = "tool", tool = "uuid"}, {name = "second", fn = function() end}}}:graph()
            return g
            """))!.GetValue<string>();
        graph.Should().StartWith("flowchart TD").And.Contain("first").And.Contain("second");
    }

    [Fact]
    public async Task Workflow_on_sees_the_progress_events_in_order()
    {
        var result = await _scripts.Run("""
            local events = {}
            Workflow.on("step_completed", function(e) events[#events + 1] = "done:" .. e.step end)
            Workflow.on("*", function(e) if e.event == "run_completed" then events[#events + 1] = "end" end end)
            Workflow.sequential{name = "ev", steps = {{name = "a", fn = function() return 1 end}, {name = "b", fn = function() return 2 end}}}:execute()
            return events
            """);
        result!.ToJsonString().Should().Be("""["done:a","done:b","end"]""");
    }

    [Fact]
    public async Task An_invalid_definition_raises_at_the_execute_line_with_its_JSON_path()
    {
        var error = await _scripts.Fails("""
            local wf = Workflow.sequential{name = "bad", steps = {{name = "x", step_type = "tool", tool = "calculator", parameters = {expression = "{{steps.nope.output}}"}}}}
            local ok = 1
            wf:execute()
            """);
        error.Line.Should().Be(3);
        error.Message.Should().Contain("$.steps[0]").And.Contain("unknown step 'nope'");
    }

    [Fact]
    public async Task A_failing_Lua_step_fails_the_run_with_the_script_line()
    {
        var result = await _scripts.Run("""
            local wf = Workflow.sequential{name = "f", steps = {{name = "boom", fn = function()
              error("exploded")
            end}}}
            local r = wf:execute()
            return {status = r.status, error = r.error}
            """);
        result!["status"]!.GetValue<string>().Should().Be("failed");
        result["error"]!.GetValue<string>().Should().Contain("test.lua:2: exploded");
    }

    [Fact]
    public async Task Get_output_before_execute_says_what_to_do()
    {
        (await _scripts.Fails("local wf = Workflow.sequential{steps = {{step_type = 'tool', tool = 'uuid'}}}\nlocal x = wf:get_output('a')"))
            .Message.Should().Be("test.lua:2: wf:get_output('a'): the workflow has not run yet; call wf:execute first");
    }

    [Fact]
    public async Task A_budget_exceeded_inside_a_Lua_step_stops_the_script()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(1_000_000);
        var error = await _scripts.Fails("""
            local wf = Workflow.sequential{name = "spin", steps = {{name = "spin", fn = function() while true do end end}}}
            local r = wf:execute()
            return r.status
            """);
        error.Message.Should().StartWith("instruction budget exceeded");
    }

    [Fact]
    public async Task A_budget_spent_in_a_Lua_step_ends_the_script_without_waiting_for_the_rest_of_the_run()
    {
        _scripts.Options = _scripts.Options.WithInstructionBudget(1_000_000);
        var error = await _scripts.Fails("""
            local wf = Workflow.sequential{name = "spin-then-wait", steps = {
              {name = "spin", error_strategy = "continue", fn = function() while true do end end},
              {name = "hold", step_type = "wait", signal = "never", timeout_s = 600}}}
            wf:execute()
            """);
        error.Message.Should().StartWith("instruction budget exceeded");
    }

    [Fact]
    public async Task A_wait_step_is_answered_by_a_signal_sent_from_an_event_handler()
    {
        var result = await _scripts.Run("""
            Workflow.on("signal_awaited", function(e)
              Workflow.signal(e.run_id, e.signal, {approved = true, by = e.step})
            end)
            local wf = Workflow.sequential{name = "approval", steps = {
              {name = "approve", step_type = "wait", signal = "editor-approved", timeout_s = 600},
              {name = "publish", input = "{{steps.approve.output}}", fn = function(decision) return decision.approved and "published" or "held" end}}}
            local r = wf:execute()
            return {status = r.status, approve = wf:get_output("approve"), publish = wf:get_output("publish")}
            """);
        result!.ToJsonString().Should().Be("""{"approve":{"approved":true,"by":"approve"},"publish":"published","status":"completed"}""");
    }

    [Fact]
    public async Task Events_have_snake_case_fields()
    {
        var result = await _scripts.Run("""
            local seen
            Workflow.on("step_completed", function(e) seen = e end)
            Workflow.sequential{name = "one", steps = {{name = "only", fn = function() return {n = 1} end}}}:execute()
            return {event = seen.event, step = seen.step, status = seen.status, output = seen.output, run_id = type(seen.run_id),
                    attempts = seen.attempts, ms = math.type(seen.duration_ms), ts = type(seen.timestamp)}
            """);
        result!.ToJsonString().Should().Be("""{"attempts":1,"event":"step_completed","ms":"integer","output":{"n":1},"run_id":"string","status":"completed","step":"only","ts":"string"}""");
    }

    [Fact]
    public async Task Lua_steps_of_parallel_branches_may_wait_on_tools_and_run_workflows_of_their_own()
    {
        var result = await _scripts.Run("""
            local inner = Workflow.sequential{name = "inner", steps = {{name = "inner-step", fn = function(x) return x * 10 end}}}
            local branches = {}
            for i = 1, 4 do
              branches[i] = {name = "b" .. i, steps = {{name = "work" .. i, fn = function()
                local sum = Tool.invoke("calculator", {expression = "a + 1", variables = {a = i}}).result
                local nested = inner:execute(sum)
                return nested.outputs["inner-step"]
              end}}}
            end
            local wf = Workflow.parallel{name = "fan", max_concurrency = 4, branches = branches}
            local r = wf:execute()
            return {status = r.status, wf:get_output("work1"), wf:get_output("work2"), wf:get_output("work3"), wf:get_output("work4")}
            """);
        result!.ToJsonString().Should().Be("""{"1":20,"2":30,"3":40,"4":50,"status":"completed"}""");
    }
}
