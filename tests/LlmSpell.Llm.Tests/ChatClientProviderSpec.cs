using LlmSpell.Llm.Ollama;
using LlmSpell.Llm.OpenAI;
using LlmSpell.TestServers;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Tests;

public sealed class ChatClientProviderSpec : IClassFixture<OllamaServerFixture>
{
    private readonly OllamaTestServer _server;

    public ChatClientProviderSpec(OllamaServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
    }

    private Func<string, string?> Env(string? openAiKey = null) => name => name switch
    {
        "OLLAMA_HOST" => _server.BaseUrl.Authority,
        "OPENAI_API_KEY" => openAiKey,
        _ => null,
    };

    [Fact]
    public async Task A_bare_model_name_means_ollama_found_through_OLLAMA_HOST()
    {
        using var provider = new ChatClientProvider(environment: Env());

        var client = provider.GetClient(ModelSpec.Parse("llama3.2:3b"));
        var answer = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        client.GetService<OllamaSharp.IOllamaApiClient>().Should().NotBeNull("Ollama is spoken to through OllamaSharp");
        client.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("ollama");
        answer.Text.Should().Be("ok");
        _server.Requests.Single().Model.Should().Be("llama3.2:3b");
    }

    [Fact]
    public async Task Chat_calls_are_traced_as_gen_ai_spans_while_something_listens_to_the_telemetry_source()
    {
        var spans = new List<System.Diagnostics.Activity>();
        using var provider = new ChatClientProvider(environment: Env());
        var client = provider.GetClient(ModelSpec.Parse("ollama/llama3.2:3b"));
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "unheard")]);

        using (var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == ChatClientProvider.TelemetrySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        })
        {
            System.Diagnostics.ActivitySource.AddActivityListener(listener);
            // The listener hears every test's chat calls: this test's span is the one under its own trace.
            using var trace = new System.Diagnostics.Activity("this-test").Start();
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "heard")]))
            {
            }
            lock (spans) spans.RemoveAll(a => a.TraceId != trace.TraceId);
        }

        var span = spans.Should().ContainSingle().Subject;
        span.DisplayName.Should().Contain("llama3.2:3b");
        span.GetTagItem("gen_ai.usage.input_tokens").Should().Be(12);
        span.TagObjects.Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && (v.Contains("heard") || v.Contains("unheard")), "prompts stay out of traces");
    }

    [Fact]
    public void Openai_models_get_the_openai_compatible_client_and_unknown_providers_list_the_known_ones()
    {
        using var provider = new ChatClientProvider(environment: Env(openAiKey: "sk-x"));

        provider.GetClient(ModelSpec.Parse("openai/gpt-4o-mini")).GetService<OpenAICompatibleClient>().Should().NotBeNull();
        var act = () => provider.GetClient(ModelSpec.Parse("anthropic/claude"));
        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("'anthropic'").And.Contain("ollama, openai");
    }

    [Fact]
    public void A_missing_openai_key_fails_at_resolution_with_what_to_set()
    {
        using var provider = new ChatClientProvider(environment: Env());

        var act = () => provider.GetClient(ModelSpec.Parse("openai/gpt-4o"));

        act.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("OPENAI_API_KEY");
    }

    [Fact]
    public async Task Named_endpoints_serve_their_prefix_and_all_models_of_an_endpoint_share_its_limit()
    {
        _server.Always(ScriptedReply.Text("ok").WithDelay(TimeSpan.FromMilliseconds(30)));
        var options = LlmProviderOptions.Default
            .WithEndpoint("gpu", LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithMaxConcurrency(1));
        using var provider = new ChatClientProvider(options, environment: _ => null);

        provider.GetClient(ModelSpec.Parse("gpu/a")).Should().BeSameAs(provider.GetClient(ModelSpec.Parse("gpu/a")));
        await Task.WhenAll(
            provider.GetClient(ModelSpec.Parse("gpu/a")).GetResponseAsync([new ChatMessage(ChatRole.User, "1")]),
            provider.GetClient(ModelSpec.Parse("gpu/b")).GetResponseAsync([new ChatMessage(ChatRole.User, "2")]),
            provider.GetClient(ModelSpec.Parse("gpu/c")).GetResponseAsync([new ChatMessage(ChatRole.User, "3")]));

        _server.Requests.Select(r => r.Model).Should().BeEquivalentTo(["a", "b", "c"]);
        _server.MaxInFlight.Should().Be(1);
        provider.Providers.Should().Contain(["gpu", "ollama", "openai"]);
    }

    [Fact]
    public async Task The_provider_hands_out_embedding_generators_and_ollama_clients()
    {
        using var provider = new ChatClientProvider(environment: Env());

        var embeddings = await provider.GetEmbeddingGenerator(ModelSpec.Parse("ollama/nomic-embed-text")).GenerateAsync(["a"]);
        var models = await provider.GetOllamaEndpoint().ListModelsAsync();

        embeddings.Should().ContainSingle();
        models.Should().NotBeEmpty();
    }

    [Fact]
    public void Invalid_endpoint_options_are_rejected_with_the_endpoint_named()
    {
        var act = () => LlmEndpointOptions.Ollama.WithMaxConcurrency(0);
        act.Should().Throw<ArgumentOutOfRangeException>();

        var options = LlmProviderOptions.Default.WithOllama(o => o with { MaxConcurrency = 0 });
        using var provider = new ChatClientProvider(options, environment: _ => null);
        var resolve = () => provider.GetClient(ModelSpec.Parse("x"));
        resolve.Should().Throw<LlmConfigurationException>().Which.Message.Should().Contain("'ollama'").And.Contain("MaxConcurrency");
    }
}
