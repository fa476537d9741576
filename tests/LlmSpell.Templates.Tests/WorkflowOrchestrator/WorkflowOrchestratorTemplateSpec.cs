using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Templates.Parameters;
using LlmSpell.Templates.WorkflowOrchestrator;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Templates.Tests.WorkflowOrchestrator;

/// <summary>The template on a real engine (actor system, built-in tools) with scripted agents.</summary>
public sealed class WorkflowOrchestratorTemplateSpec : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("templates-spec");
    private readonly ScriptedAgents _agents = new();
    private readonly ToolRegistry _tools = BuiltInTools.Register(new ToolRegistry());
    private readonly string _output = Path.Combine(Path.GetTempPath(), "llmspell-template-spec", Guid.NewGuid().ToString("N"));
    private readonly WorkflowOrchestratorTemplate _template = new();
    private readonly ConcurrentQueue<WorkflowEvent> _events = new();

    private TemplateContext Context(string? outputDirectory = null) => new()
    {
        Engine = new WorkflowEngine(_system, new WorkflowServices { Agents = _agents, Tools = _tools, WorkspaceDirectory = Path.GetTempPath() },
            runsActorName: "workflows-" + Guid.NewGuid().ToString("N")),
        Tools = _tools,
        OutputDirectory = outputDirectory,
        Progress = new Recorder(_events),
    };

    private Task<TemplateResult> Execute(string config, params (string Key, JsonNode? Value)[] more)
    {
        var parameters = more.ToDictionary(p => p.Key, p => p.Value);
        parameters["workflow_config"] = JsonNode.Parse(config);
        return _template.ExecuteAsync(parameters, Context(), CancellationToken.None);
    }

    [Fact]
    public async Task Metrics_count_what_ran_and_sum_tokens_and_cost()
    {
        _agents.Answer = request => new AgentResult($"answer to {request.Input}", request.Model ?? "?", new AgentUsage(10, 5), 0.25m);

        var result = await Execute("""{"steps":[{"name":"a","step_type":"agent"},{"name":"calculator","step_type":"tool","parameters":{"expression":"1+2"}},{"name":"b","step_type":"agent"}]}""");

        result.Status.Should().Be(TemplateStatus.Ok);
        result.Metrics.AgentsInvoked.Should().Be(2);
        result.Metrics.ToolsInvoked.Should().Be(1);
        result.Metrics.TokensUsed.Should().Be(30);
        result.Metrics.CostUsd.Should().Be(0.5m);
        result.Metrics.CustomMetrics["steps_executed"]!.GetValue<int>().Should().Be(3);
        result.Result.AsText().Should().Contain("answer to Execute: a").And.Contain("Cost: $0.25");
        _agents.Requests.Select(r => r.Model).Should().AllBe("ollama/llama3.2:3b");
    }

    [Fact]
    public async Task Later_steps_see_earlier_outputs()
    {
        _agents.Answer = request => new AgentResult(request.Input, "m", AgentUsage.None);

        var result = await Execute("""{"steps":[{"name":"calculator","step_type":"tool","parameters":{"expression":"6*7"}},{"name":"say","step_type":"agent","input":"The answer is {{steps.calculator.output.result}}"}]}""");

        result.Status.Should().Be(TemplateStatus.Ok);
        _agents.Requests.Single().Input.Should().Be("The answer is 42");
    }

    [Fact]
    public async Task Artifacts_are_written_and_returned()
    {
        var result = await _template.ExecuteAsync(new Dictionary<string, JsonNode?>
        {
            ["workflow_config"] = JsonNode.Parse("""{"steps":[{"name":"uuid","step_type":"tool"}]}"""),
        }, Context(_output), CancellationToken.None);

        result.Artifacts.Select(a => Path.GetFileName(a.Path)).Should().Equal("workflow_report.md", "intermediate_results.json");
        File.ReadAllText(result.Artifacts[0].Path).Should().Be(result.Result.AsText());
        var steps = JsonNode.Parse(File.ReadAllText(result.Artifacts[1].Path))!.AsArray();
        steps.Single()!["output"]!["uuid"]!.GetValue<string>().Should().HaveLength(36);
    }

    [Fact]
    public async Task Progress_receives_the_run_s_events()
    {
        await Execute("""{"steps":[{"name":"uuid","step_type":"tool"}]}""");

        _events.Select(e => e.Kind).Should().ContainInOrder("run_started", "step_started", "step_completed", "run_completed");
    }

    [Fact]
    public async Task A_failed_run_is_a_failed_result_with_the_error_not_an_exception()
    {
        _agents.Answer = _ => throw new InvalidOperationException("model exploded");

        var result = await Execute("""{"name":"w","steps":[{"name":"a","step_type":"agent"},{"name":"uuid","step_type":"tool"}]}""");

        result.Status.Should().Be(TemplateStatus.Failed);
        result.Error.Should().Be("workflow 'w' failed: step 'a' failed: model exploded");
        result.ToJson()["status"]!.GetValue<string>().Should().Be("error");
        result.Metrics.ToolsInvoked.Should().Be(0, "the tool step after the failure was skipped");
    }

    [Fact]
    public async Task Bad_parameters_throw_before_anything_runs()
    {
        var act = () => Execute("""{"steps":[{"name":"a","step_type":"agent"}]}""", ("execution_mode", "fast"), ("model", "ollama/"));

        (await act.Should().ThrowAsync<TemplateParameterException>()).Which.Problems
            .Should().Contain("invalid execution_mode 'fast'; use one of: sequential, parallel, hybrid, loop");
        _agents.Requests.Should().BeEmpty();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }

    private sealed class Recorder(ConcurrentQueue<WorkflowEvent> events) : IProgress<WorkflowEvent>
    {
        public void Report(WorkflowEvent value) => events.Enqueue(value);
    }

    private sealed class ScriptedAgents : IAgentExecutor
    {
        public Func<AgentRequest, AgentResult> Answer { get; set; } = r => new AgentResult("ok", r.Model ?? "?", AgentUsage.None);
        public ConcurrentQueue<AgentRequest> Requests { get; } = new();

        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return Task.FromResult(Answer(request));
        }
    }
}
