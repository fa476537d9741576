using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Scripting.Lua.Tests.Globals;

/// <summary><c>Template</c>: list, info, schema and execute, the spec's Lua examples verbatim against a loopback Ollama.</summary>
public sealed class TemplateGlobalSpec : IClassFixture<LuaEngine>
{
    private readonly LuaEngine _engine;
    private readonly Scripts _scripts;

    public TemplateGlobalSpec(LuaEngine engine)
    {
        _engine = engine;
        engine.Ollama.Reset();
        _scripts = engine.Scripts();
    }

    private static string Example(string name) => File.ReadAllText(Path.Combine(Repository.Root, "config", "examples", name));

    [Fact]
    public async Task List_info_and_schema_describe_the_templates()
    {
        var result = await _scripts.Run("""
            local list = Template.list()
            local info = Template.info("workflow-orchestrator")
            local schema = Template.schema("workflow-orchestrator")
            local names = {}
            for _, p in ipairs(info.parameters) do names[#names + 1] = p.name end
            return {count = #list, id = list[1].id, category = info.category, params = table.concat(names, ","), schema_params = #schema.parameters}
            """);
        result!["count"]!.GetValue<long>().Should().Be(1);
        result["id"]!.GetValue<string>().Should().Be("workflow-orchestrator");
        result["params"]!.GetValue<string>().Should().Contain("workflow_config").And.Contain("execution_mode").And.Contain("max_steps");
        result["schema_params"]!.GetValue<long>().Should().Be(5);
    }

    [Fact]
    public async Task Execute_returns_the_JSON_output_as_a_table()
    {
        var result = await _scripts.Run("""
            local r = Template.execute("workflow-orchestrator", {
              workflow_config = {steps = {{name = "calculator", step_type = "tool", parameters = {expression = "6 * 7"}}}},
              execution_mode = "sequential",
            })
            return {type = r.result_type, status = r.status, success = r.success, steps = r.metrics.custom_metrics.steps_executed,
                    agents = r.metrics.agents_invoked, tools = r.metrics.tools_invoked, ms = math.type(r.metrics.duration_ms),
                    artifacts = #r.artifacts, has_report = r.result:find("# Workflow Execution Report", 1, true) ~= nil,
                    has_answer = r.result:find("42", 1, true) ~= nil, run_id = type(r.run_id)}
            """);
        result!.ToJsonString().Should().Be(
            """{"agents":0,"artifacts":0,"has_answer":true,"has_report":true,"ms":"integer","run_id":"string","status":"ok","steps":1,"success":true,"tools":1,"type":"text"}""");
    }

    [Fact]
    public async Task Bad_parameters_raise_at_the_calling_line()
    {
        var error = await _scripts.Fails("""
            local ok = true
            Template.execute("workflow-orchestrator", {workflow_config = {steps = {{name = "a", step_type = "agent"}}}, max_steps = 500})
            """);
        error.Line.Should().Be(2);
        error.Message.Should().Contain("max_steps");
    }

    [Fact]
    public async Task Unknown_template_is_an_error_naming_the_known_ones()
    {
        (await _scripts.Fails("Template.execute('nope', {})")).Message.Should().Contain("unknown template 'nope'").And.Contain("workflow-orchestrator");
    }

    [Fact]
    public async Task Spec_basic_usage_runs_unchanged()
    {
        _engine.Ollama.OnPrompt("Execute: analyze", ScriptedReply.Text("The analysis."));
        _engine.Ollama.On(r => r.Json?["tools"] is JsonArray, ScriptedReply.ToolCall("uuid", new JsonObject()));

        await _scripts.Run(Example("spec-basic-usage.lua"), "spec-basic-usage.lua");

        _scripts.Printed.Should().StartWith("# Workflow Execution Report").And.Contain("**Workflow**: my-workflow")
            .And.Contain("The analysis.").And.Contain("### Step 2: search");
    }

    [Fact]
    public async Task Spec_agent_chain_example_runs_unchanged()
    {
        _engine.Ollama.OnPrompt("Analyze", ScriptedReply.Text("analysed"));
        _engine.Ollama.OnPrompt("Summarize", ScriptedReply.Text("summarised"));
        _engine.Ollama.OnPrompt("Review", ScriptedReply.Text("reviewed"));

        await _scripts.Run(Example("spec-agent-chain.lua"), "spec-agent-chain.lua");

        _scripts.Printed.Should().MatchRegex("^Steps executed: 3\nDuration: [0-9]+ms\n$");
        _engine.Ollama.Requests.Where(r => r.Path == "/api/chat").Select(r => r.Prompt)
            .Should().Equal("Execute: Analyze", "Execute: Summarize", "Execute: Review");
    }

    [Fact]
    public async Task Spec_tool_and_agent_example_runs_unchanged_and_lists_the_artifacts()
    {
        _engine.Ollama.On(r => r.Json?["tools"] is JsonArray, ScriptedReply.ToolCall("datetime", new JsonObject()));
        _engine.Ollama.OnPrompt("Analyze results", ScriptedReply.Text("looks fine"));
        var output = Path.Combine(_engine.Workspace, "artifacts-" + Guid.NewGuid().ToString("N"));
        var scripts = new Scripts(_engine.Create(outputDirectory: output).Host);

        await scripts.Run(Example("spec-research-workflow.lua"), "spec-research-workflow.lua");

        scripts.Printed.Should().Be($"Artifact: {Path.Combine(output, "workflow_report.md")}\nArtifact: {Path.Combine(output, "intermediate_results.json")}\n");
        File.ReadAllText(Path.Combine(output, "workflow_report.md")).Should().Contain("looks fine").And.Contain("research-workflow");
    }
}
