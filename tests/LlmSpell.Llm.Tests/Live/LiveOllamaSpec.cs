using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.TestKit.Xunit2;
using LlmSpell.Testing;
using LlmSpell.Llm.Ollama;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Tests.Live;

/// <summary>The loopback scenarios against a real Ollama (<c>LLMSPELL_LIVE_OLLAMA=1</c>); OLLAMA_HOST as Ollama reads it.</summary>
[Trait("Category", "Live")]
public sealed class LiveOllamaSpec : TestKit
{
    private static readonly string Model = LiveOllamaFactAttribute.Model;

    private static async Task<OllamaEndpoint> ClientWithModelAsync()
    {
        var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithRequestTimeout(TimeSpan.FromMinutes(10)));
        var installed = await ollama.ListModelsAsync();
        if (!installed.Any(m => m.Name == Model || m.Name == Model + ":latest")) await ollama.PullAsync(Model);
        return ollama;
    }

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    [LiveOllamaFact]
    public async Task Version_tags_and_show_answer()
    {
        using var ollama = await ClientWithModelAsync();

        (await ollama.GetVersionAsync()).Should().MatchRegex(@"^\d+\.\d+");
        (await ollama.ListModelsAsync()).Should().NotBeEmpty();
        (await ollama.ShowModelAsync(Model)).Details.Should().NotBeNull();
    }

    [LiveOllamaFact]
    public async Task A_streamed_answer_assembles_with_usage()
    {
        using var ollama = await ClientWithModelAsync();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in ollama.AsChatClient(Model).GetStreamingResponseAsync(Ask("Say hello in three words."), new ChatOptions { Temperature = 0, Seed = 1 }))
            updates.Add(u);
        var response = updates.ToChatResponse();

        response.Text.Should().NotBeNullOrWhiteSpace();
        response.Usage!.InputTokenCount.Should().BeGreaterThan(0);
        response.Usage.OutputTokenCount.Should().BeGreaterThan(0);
        response.FinishReason.Should().NotBeNull();
    }

    [LiveOllamaFact]
    public async Task Structured_output_follows_the_schema()
    {
        using var ollama = await ClientWithModelAsync();
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"age":{"type":"integer"},"available":{"type":"boolean"}},"required":["age","available"]}""").RootElement;

        var response = await ollama.AsChatClient(Model).GetResponseAsync(
            Ask("Ollama is 22 years old and busy saving the world. Return a JSON object with the age and availability."),
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema), Temperature = 0 });

        var json = JsonNode.Parse(response.Text)!;
        json["age"]!.GetValue<int>().Should().Be(22);
        json["available"].Should().NotBeNull();
    }

    [LiveOllamaFact]
    public async Task Tools_are_offered_and_calls_parse()
    {
        using var ollama = await ClientWithModelAsync();
        var weather = AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the current weather for a city");

        var response = await ollama.AsChatClient(Model).GetResponseAsync(Ask("What is the weather in Paris? Use the tool."),
            new ChatOptions { Tools = [weather], Temperature = 0 });

        // Small models may answer in text instead; when they call, the call must be well-formed.
        foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            call.Name.Should().Be("get_weather");
            call.Arguments.Should().ContainKey("city");
        }
    }

    [LiveOllamaFact]
    public async Task An_unknown_model_names_ollama_pull()
    {
        using var ollama = new OllamaEndpoint();

        var act = () => ollama.AsChatClient("no-such-model-llmspell:1b").GetResponseAsync(Ask("hi"));

        (await act.Should().ThrowAsync<LlmModelNotFoundException>()).Which.Message.Should().Contain("ollama pull no-such-model-llmspell:1b");
    }

    [LiveOllamaFact]
    public async Task Cancelling_mid_stream_stops_the_call()
    {
        using var ollama = await ClientWithModelAsync();
        using var cts = new CancellationTokenSource();

        var act = async () =>
        {
            await foreach (var _ in ollama.AsChatClient(Model).GetStreamingResponseAsync(Ask("Count slowly from 1 to 500."), cancellationToken: cts.Token))
                await cts.CancelAsync();
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        ollama.InFlight.Should().Be(0);
    }

    [LiveOllamaFact]
    public async Task Embeddings_have_one_vector_per_input()
    {
        if (LiveOllamaFactAttribute.EmbedModel is not { } model) return; // set LLMSPELL_LIVE_EMBED_MODEL to check embeddings too
        using var ollama = new OllamaEndpoint();
        await ollama.PullAsync(model);

        var embeddings = await ollama.AsEmbeddingGenerator(model).GenerateAsync(["sky", "grass"]);

        embeddings.Should().HaveCount(2);
        embeddings[0].Vector.Length.Should().BeGreaterThan(0);
    }

    [LiveOllamaFact]
    public async Task A_workflow_agent_step_runs_against_ollama()
    {
        using var ollama = await ClientWithModelAsync();
        using var provider = new ChatClientProvider();
        var engine = new WorkflowEngine(Sys, new WorkflowServices { Agents = new ChatAgentExecutor(provider, $"ollama/{Model}"), Tools = new ToolRegistry() });

        var result = await engine.RunAsync(new WorkflowDefinition
        {
            Name = "live",
            Steps = [new StepDefinition { Name = "greet", Kind = StepKind.Agent, Agent = new AgentStepSpec { Input = "Reply with one word: hello" } }],
        });

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Step("greet")!.Usage!.TotalTokens.Should().BeGreaterThan(0);
    }
}
