using System.Text.Json.Nodes;
using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.TestServers;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Llm.Tests.Workflows;

/// <summary>
/// A tool step that names no tool: the engine asks the model (our Ollama client, real HTTP to a loopback
/// server answering with a real <c>tool_calls</c> message) which tool to run, then runs it.
/// </summary>
public sealed class DynamicToolStepsOverHttpSpec : TestKit, IClassFixture<OllamaServerFixture>
{
    private readonly OllamaTestServer _server;

    public DynamicToolStepsOverHttpSpec(OllamaServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
    }

    private (WorkflowEngine Engine, ChatClientProvider Provider) Engine()
    {
        var provider = new ChatClientProvider(LlmProviderOptions.Default.WithOllama(o => o.WithBaseUrl(_server.BaseUrl)), environment: _ => null);
        var registry = new ToolRegistry();
        BuiltInTools.Register(registry, ToolsOptions.Default);
        var chat = provider.GetClient(ModelSpec.Parse("ollama/llama3.2:3b"));
        var services = new WorkflowServices
        {
            Agents = new ChatAgentExecutor(provider, "ollama/llama3.2:3b"),
            Tools = registry,
            ToolResolver = new ToolResolver(registry, chat),
        };
        return (new WorkflowEngine(Sys, services), provider);
    }

    private static StepDefinition UnnamedTool(string name, string description) =>
        new() { Name = name, Description = description, Kind = StepKind.Tool, Tool = new ToolStepSpec() };

    [Fact]
    public async Task The_model_chooses_the_tool_and_its_arguments_and_the_result_says_so()
    {
        _server.Always(ScriptedReply.ToolCall("calculator", new JsonObject { ["expression"] = "6 * 7" }));
        var (engine, provider) = Engine();
        using var _ = provider;

        var result = await engine.RunAsync(new WorkflowDefinition { Name = "wf", Steps = [UnnamedTool("compute", "Multiply six by seven")] });

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var step = result.Step("compute")!;
        step.Tool.Should().Be("calculator");
        step.ToolResolution.Should().Be("dynamic");
        step.Output!.ToJsonString().Should().Contain("42");
        var request = _server.Requests.Single().Json!;
        request["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).Should().Contain(["calculator", "hash", "uuid"]);
        request["messages"]!.ToJsonString().Should().Contain("Multiply six by seven");
    }

    [Fact]
    public async Task A_model_that_chooses_no_tool_fails_the_step_listing_the_available_tools()
    {
        _server.Always(ScriptedReply.Text("I would rather not use a tool."));
        var (engine, provider) = Engine();
        using var _ = provider;

        var result = await engine.RunAsync(new WorkflowDefinition { Name = "wf", Steps = [UnnamedTool("mystery", "Do something vague")] });

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("mystery")!.Error.Should().Contain("the model chose none").And.Contain("calculator").And.Contain("hash");
    }

    [Fact]
    public async Task A_step_named_after_a_tool_runs_it_without_asking_the_model()
    {
        var (engine, provider) = Engine();
        using var _ = provider;
        var step = new StepDefinition
        {
            Name = "calculator",
            Kind = StepKind.Tool,
            Tool = new ToolStepSpec { Parameters = new JsonObject { ["expression"] = "1 + 2" } },
        };

        var result = await engine.RunAsync(new WorkflowDefinition { Name = "wf", Steps = [step] });

        result.Step("calculator")!.ToolResolution.Should().Be("step-name");
        result.Step("calculator")!.Output!.ToJsonString().Should().Contain("3");
        _server.RequestCount.Should().Be(0);
    }
}
