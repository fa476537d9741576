using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.Llm.Pricing;
using LlmSpell.TestServers;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Llm.Tests.Workflows;

/// <summary>Real workflows through the engine, ChatAgentExecutor, the provider and real HTTP to a loopback Ollama.</summary>
public sealed class AgentStepsOverHttpSpec : TestKit, IClassFixture<OllamaServerFixture>
{
    private const string Model = "ollama/llama3.2:3b";
    private readonly OllamaTestServer _server;

    public AgentStepsOverHttpSpec(OllamaServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
    }

    private WorkflowEngine Engine(ChatClientProvider provider, PriceTable? prices = null) =>
        new(Sys, new WorkflowServices { Agents = new ChatAgentExecutor(provider, Model, prices: prices), Tools = new ToolRegistry() });

    private ChatClientProvider Provider(Func<LlmEndpointOptions, LlmEndpointOptions>? ollama = null) => new(
        LlmProviderOptions.Default.WithOllama(o => (ollama ?? (x => x))(o.WithBaseUrl(_server.BaseUrl))),
        environment: _ => null);

    private static StepDefinition Agent(string name, string input, RetryPolicy? retry = null, TimeSpan? timeout = null, string? model = null) => new()
    {
        Name = name,
        Kind = StepKind.Agent,
        Agent = new AgentStepSpec { Input = input, Model = model },
        Retry = retry,
        Timeout = timeout,
    };

    [Fact]
    public async Task A_500_then_success_is_retried_by_the_step_retry_policy_and_succeeds_on_attempt_2()
    {
        _server.FailTimes(1, 500, "model runner overloaded");
        _server.Always(ScriptedReply.Text("a fine summary").WithUsage(40, 3));
        using var provider = Provider();
        var retry = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10), Jitter = 0 };
        var workflow = new WorkflowDefinition { Name = "wf", Steps = [Agent("summarize", "Summarize it", retry)] };

        var run = await Engine(provider).StartAsync(workflow);
        var events = new List<WorkflowEvent>();
        await foreach (var e in run.Events) events.Add(e);
        var result = await run.Completion;

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var step = result.Step("summarize")!;
        step.Attempts.Should().Be(2);
        step.Output!.GetValue<string>().Should().Be("a fine summary");
        events.OfType<StepRetrying>().Single().Error.Should().Contain("model runner overloaded").And.Contain("HTTP 500");
        _server.RequestCount.Should().Be(2);
    }

    [Fact]
    public async Task Token_usage_and_cost_land_in_the_step_result()
    {
        _server.Always(ScriptedReply.Text("four words of answer").WithUsage(120, 4));
        using var provider = Provider();

        var result = await Engine(provider).RunAsync(new WorkflowDefinition { Name = "wf", Steps = [Agent("a", "Explain {{input}}")] }, System.Text.Json.Nodes.JsonValue.Create("llamas"));

        var step = result.Step("a")!;
        step.Usage.Should().Be(new AgentUsage(120, 4));
        step.Model.Should().Be(Model);
        step.CostUsd.Should().Be(0m, "local models are free");
        result.TotalTokens.Should().Be(124);
        _server.Requests.Single().Prompt.Should().Be("Explain llamas");
    }

    [Fact]
    public async Task A_step_timeout_cancels_the_http_request()
    {
        _server.Always(ScriptedReply.Text("never").StallingAfter(0));
        using var provider = Provider();

        var result = await Engine(provider).RunAsync(new WorkflowDefinition { Name = "wf", Steps = [Agent("slow", "think", timeout: TimeSpan.FromMilliseconds(300))] });

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("slow")!.Error.Should().Contain("timed out");
        await _server.Requests.Single().Aborted.WaitAsync(Loopback.Patience);
    }

    [Fact]
    public async Task A_server_that_accepts_the_request_and_never_answers_is_reported_as_waiting_for_the_model_at_its_server()
    {
        // Nothing is ever sent: no headers, no tokens.
        _server.Always(ScriptedReply.Text("never").WithGate(new TaskCompletionSource().Task));
        using var provider = Provider(o => o.WithStallWarning(TimeSpan.FromSeconds(1)));
        var workflow = new WorkflowDefinition { Name = "wf", Steps = [Agent("a", "think", timeout: TimeSpan.FromMinutes(5))] };

        var run = await Engine(provider).StartAsync(workflow);
        StepStalled? stalled = null;
        await foreach (var e in run.Events)
        {
            if (e is not StepStalled s) continue;
            stalled = s;
            break;
        }
        await run.CancelAsync("seen");
        var result = await run.Completion;

        stalled!.Key.Should().Be("a");
        stalled.Message.Should().Be($"waiting for {Model} at 127.0.0.1:{_server.BaseUrl.Port} — no tokens for 1 s");
        result.Status.Should().Be(RunStatus.Cancelled);
        await _server.Requests.Single().Aborted.WaitAsync(Loopback.Patience);
    }

    [Fact]
    public async Task A_stall_warning_from_the_executor_repeats_while_the_silence_lasts()
    {
        _server.Always(ScriptedReply.Text("late").WithGate(new TaskCompletionSource().Task));
        using var provider = Provider();
        var engine = new WorkflowEngine(Sys, new WorkflowServices
        {
            Agents = new ChatAgentExecutor(provider, Model, stallWarning: TimeSpan.FromSeconds(1)),
            Tools = new ToolRegistry(),
        });

        var run = await engine.StartAsync(new WorkflowDefinition { Name = "wf", Steps = [Agent("a", "think")] });
        var seen = new List<StepStalled>();
        await foreach (var e in run.Events)
        {
            if (e is StepStalled s) seen.Add(s);
            if (seen.Count == 2) break;
        }
        await run.CancelAsync("seen");
        await run.Completion;

        seen.Select(s => s.Silence).Should().BeInAscendingOrder().And.OnlyContain(t => t >= TimeSpan.FromSeconds(1));
        seen[1].Silence.Should().BeGreaterThan(seen[0].Silence, "the second notice counts the whole silence");
    }

    [Fact]
    public async Task A_step_timeout_names_the_model_the_server_and_the_setting_that_controls_it()
    {
        _server.Always(ScriptedReply.Text("never").WithGate(new TaskCompletionSource().Task));
        using var provider = Provider();
        var workflow = new WorkflowDefinition
        {
            Name = "wf",
            Config = new WorkflowConfig { StepTimeout = TimeSpan.FromMilliseconds(300) },
            Steps = [Agent("a", "think")],
        };

        var result = await Engine(provider).RunAsync(workflow);

        result.Step("a")!.Error.Should().Contain("step 'a' timed out after 300 ms")
            .And.Contain($"waiting for {Model} at 127.0.0.1:{_server.BaseUrl.Port}")
            .And.Contain("step_timeout_s");
    }

    [Fact]
    public async Task An_unreachable_ollama_fails_the_step_with_what_to_do()
    {
        using var provider = new ChatClientProvider(LlmProviderOptions.Default.WithOllama(o => o.WithBaseUrl(Loopback.ClosedPortUrl())), environment: _ => null);

        var result = await Engine(provider).RunAsync(new WorkflowDefinition { Name = "wf", Steps = [Agent("a", "hi")] });

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("a")!.Error.Should().Contain("connection refused").And.Contain("ollama serve");
    }

    [Fact]
    public async Task Parallel_branches_queue_on_the_endpoint_instead_of_overloading_it()
    {
        _server.Always(ScriptedReply.Text("branch done").WithGate(_server.WaitForRequestsAsync(2)).WithDelay(TimeSpan.FromMilliseconds(40)));
        using var provider = Provider(o => o.WithMaxConcurrency(2));
        var workflow = new WorkflowDefinition
        {
            Name = "fan",
            Type = WorkflowType.Parallel,
            Branches = Enumerable.Range(1, 6).Select(i => new BranchDefinition { Name = $"b{i}", Steps = [Agent($"s{i}", $"part {i}")] }).ToArray(),
            Config = WorkflowConfig.Default with { MaxConcurrency = 6 },
        };

        var result = await Engine(provider).RunAsync(workflow);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Steps.Should().HaveCount(6).And.OnlyContain(s => s.Status == StepStatus.Completed);
        _server.MaxInFlight.Should().Be(2);
    }

    [Fact]
    public async Task Paid_models_get_their_cost_from_the_price_table()
    {
        await using var openAi = await OpenAiTestServer.StartAsync();
        openAi.Always(ScriptedReply.Text("priced").WithUsage(1000, 500));
        var options = LlmProviderOptions.Default.WithOpenAI(o => o.WithBaseUrl(openAi.BaseUrl));
        using var provider = new ChatClientProvider(options, environment: _ => null);

        var result = await Engine(provider, PriceTable.Empty.WithPrice("openai/gpt-4o-mini", 0.15m, 0.60m))
            .RunAsync(new WorkflowDefinition { Name = "wf", Steps = [Agent("a", "hi", model: "openai/gpt-4o-mini")] });

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Step("a")!.CostUsd.Should().Be(0.00045m);
        result.Step("a")!.Usage.Should().Be(new AgentUsage(1000, 500));
    }
}
