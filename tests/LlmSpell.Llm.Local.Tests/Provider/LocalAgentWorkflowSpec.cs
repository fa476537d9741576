using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.Llm.Local.Provider;
using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Llm.Local.Tests.Provider;

/// <summary>A workflow's agent step on the in-process engine: engine → ChatAgentExecutor → ChatClientProvider → LocalChatClient.</summary>
public sealed class LocalAgentWorkflowSpec : TestKit
{
    private const int MaxTokens = 24;
    private static readonly string Model = "local/" + TestModels.PathOf(TestModels.Stories260K);

    private static ChatClientProvider Provider() =>
        new(LlmProviderOptions.Default.WithLocalModels(new LocalModelProvider()), environment: _ => null);

    [Fact]
    public async Task A_sequential_workflow_with_a_local_agent_step_continues_the_story_as_llama_cpp_does()
    {
        using var provider = Provider();
        var engine = new WorkflowEngine(Sys, new WorkflowServices { Agents = new ChatAgentExecutor(provider, "ollama/unused"), Tools = new ToolRegistry() });
        var workflow = new WorkflowDefinition
        {
            Name = "story",
            Steps =
            [
                new StepDefinition
                {
                    Name = "tell",
                    Kind = StepKind.Agent,
                    Agent = new AgentStepSpec { Input = "Once upon a time", Model = Model, Temperature = 0, MaxTokens = MaxTokens },
                },
            ],
        };

        var result = await engine.RunAsync(workflow);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var step = result.Step("tell")!;
        var text = step.Output!.GetValue<string>();
        var golden = TestModels.Golden().Cases.Single(c => c.Prompt == "Once upon a time");
        text.Length.Should().BeGreaterThan(40);
        golden.OutputText.Should().StartWith(text, "greedy decoding (temperature 0) reproduces llama.cpp");
        step.Usage.Should().Be(new AgentUsage(golden.PromptTokens.Length, MaxTokens));
        step.CostUsd.Should().Be(0m);
    }

    [Fact]
    public async Task Cancelling_after_the_first_streamed_token_stops_generation()
    {
        using var provider = Provider();
        var executor = new ChatAgentExecutor(provider, Model);
        using var cts = new CancellationTokenSource();
        var progress = new CancelOnFirstChunk(cts);

        var act = () => executor.ExecuteAsync(
            new AgentRequest { RunId = "r", StepName = "s", Input = "Once upon a time", Temperature = 0, MaxTokens = 200 },
            progress, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        progress.Chunks.Should().BeInRange(1, 2, "generation stops at the next token after cancellation, far below the 200 allowed");
    }

    /// <summary>Synchronous: cancels on the calling thread, inside the stream.</summary>
    private sealed class CancelOnFirstChunk(CancellationTokenSource cts) : IProgress<string>
    {
        public int Chunks { get; private set; }

        public void Report(string value)
        {
            Chunks++;
            cts.Cancel();
        }
    }
}
