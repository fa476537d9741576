using LlmSpell.Scripting.Lua.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Scripting.Lua.Tests.Globals;

/// <summary><c>Agent.create</c> over a loopback Ollama, and <c>Tool.list / invoke / register</c>.</summary>
public sealed class AgentAndToolGlobalSpec : IClassFixture<LuaEngine>
{
    private readonly LuaEngine _engine;
    private readonly Scripts _scripts;

    public AgentAndToolGlobalSpec(LuaEngine engine)
    {
        _engine = engine;
        engine.Ollama.Reset();
        _scripts = engine.Scripts();
    }

    [Fact]
    public async Task Agent_complete_sends_the_model_system_prompt_and_temperature()
    {
        _engine.Ollama.OnPrompt("capital of France", ScriptedReply.Text("Paris").WithUsage(9, 1));

        var result = await _scripts.Run("""
            local agent = Agent.create{model = "ollama/llama3.2:3b", system = "Answer in one word.", temperature = 0.2}
            local answer = agent:complete("What is the capital of France?")
            return {answer = answer, tokens = agent.last_usage.output_tokens}
            """);

        result!.ToJsonString().Should().Be("""{"answer":"Paris","tokens":1}""");
        var request = _engine.Ollama.Requests.Single(r => r.Path == "/api/chat");
        request.Model.Should().Be("llama3.2:3b");
        request.Json!["messages"]![0]!["content"]!.GetValue<string>().Should().Be("Answer in one word.");
        request.Json["options"]!["temperature"]!.GetValue<double>().Should().Be(0.2);
    }

    [Fact]
    public async Task Agent_errors_are_raised_at_the_script_line()
    {
        _engine.Ollama.Always(ScriptedReply.Error(500, "model crashed"));
        var error = await _scripts.Fails("local a = Agent.create{model = 'ollama/llama3.2:3b'}\n\nlocal x = a:complete('hi')");
        error.Line.Should().Be(3);
        error.Message.Should().Contain("model crashed");
    }

    [Fact]
    public async Task Agent_create_rejects_unknown_settings()
    {
        (await _scripts.Fails("local a = Agent.create{modle = 'x'}")).Message.Should().StartWith("test.lua:1: Agent.create: unknown setting 'modle'");
    }

    [Fact]
    public async Task Tool_list_and_invoke_use_the_built_in_tools()
    {
        var result = await _scripts.Run("""
            local names = {}
            for _, t in ipairs(Tool.list()) do names[#names + 1] = t.name end
            local sum = Tool.invoke("calculator", {expression = "a + b", variables = {a = 2, b = 40}})
            local written = Tool.invoke("file-write", {path = "lua/out.txt", content = "from lua"})
            local read = Tool.invoke("file-read", {path = "lua/out.txt"})
            return {has_calc = table.concat(names, ","):find("calculator") ~= nil, sum = sum.result, read = read.content}
            """);
        result!.ToJsonString().Should().Be("""{"has_calc":true,"read":"from lua","sum":42}""");
        File.ReadAllText(Path.Combine(_engine.Workspace, "lua", "out.txt")).Should().Be("from lua");
    }

    [Fact]
    public async Task Tool_invoke_errors_name_the_problem()
    {
        (await _scripts.Fails("local r = Tool.invoke('nope', {})")).Message.Should().StartWith("test.lua:1: unknown tool 'nope'; available tools:");
        (await _scripts.Fails("local r = Tool.invoke('file-read', {path = '../../etc/passwd'})")).Message.Should().StartWith("test.lua:1:");
    }

    [Fact]
    public async Task A_registered_tool_serves_direct_calls_and_workflow_steps()
    {
        var result = await _scripts.Run("""
            Tool.register{
              name = "shout", description = "Upper-cases text",
              schema = {type = "object", properties = {text = {type = "string"}}, required = {"text"}},
              fn = function(params, ctx) return {text = params.text:upper() .. "!", step = ctx.step} end,
            }
            local direct = Tool.invoke("shout", {text = "hi"})
            local wf = Workflow.sequential{name = "use", steps = {{name = "loud", step_type = "tool", tool = "shout", parameters = {text = "{{input}}"}}}}
            wf:execute("hey")
            local listed = false
            for _, t in ipairs(Tool.list()) do if t.name == "shout" then listed = true end end
            return {direct = direct.text, step = wf:get_output("loud"), listed = listed}
            """);
        result!.ToJsonString().Should().Be("""{"direct":"HI!","listed":true,"step":{"step":"loud","text":"HEY!"}}""");
    }

    [Fact]
    public async Task A_registered_tool_validates_its_parameters()
    {
        var error = await _scripts.Fails("""
            Tool.register{name = "needs", description = "d", schema = {type = "object", properties = {n = {type = "integer"}}, required = {"n"}}, fn = function(p) return p.n end}
            local r = Tool.invoke("needs", {})
            """);
        error.Line.Should().Be(2);
        error.Message.Should().Contain("n");
    }

    [Fact]
    public async Task Tools_and_Lua_steps_of_a_script_leave_the_registry_when_it_ends_so_it_can_run_again()
    {
        var (host, tools) = _engine.Create();
        var before = tools.All.Count;
        const string script = """
            Tool.register{name = "twice", description = "Doubles a number", fn = function(p) return p.n * 2 end}
            local wf = Workflow.sequential{name = "again", steps = {{name = "lua", fn = function() return Tool.invoke("twice", {n = 21}) end}}}
            local r = wf:execute()
            return r.outputs.lua
            """;
        var scripts = new Scripts(host);

        (await scripts.Run(script))!.GetValue<long>().Should().Be(42);
        (await scripts.Run(script))!.GetValue<long>().Should().Be(42);

        tools.All.Count.Should().Be(before);
        tools.Find("twice").Should().BeNull();
    }

    [Fact]
    public async Task Scripts_sharing_a_registry_can_run_at_the_same_time()
    {
        var (host, _) = _engine.Create();
        const string script = """
            local wf = Workflow.loop{name = "many", range = {start = 0, ["end"] = 20}, steps = {{name = "sq", input = "{{loop.item}}", fn = function(i) return i * i end}}}
            local r = wf:execute()
            return #r.output
            """;
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new Scripts(host).Run(script)));
        results.Select(r => r!.GetValue<long>()).Should().AllBeEquivalentTo(20L);
    }
}
