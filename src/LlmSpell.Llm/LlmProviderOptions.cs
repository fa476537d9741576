using System.Collections.Immutable;
using LlmSpell.Llm.Pricing;

namespace LlmSpell.Llm;

/// <summary>The LLM endpoints by provider name (the part before '/' in a model spec) and the price table.</summary>
public sealed record LlmProviderOptions
{
    public const string OllamaProvider = "ollama";
    public const string OpenAIProvider = "openai";

    public static readonly LlmProviderOptions Default = new();

    /// <summary>Provider name → endpoint. Built in: <c>ollama</c> and <c>openai</c>; add more (e.g. <c>vllm</c>) with <see cref="WithEndpoint"/>.</summary>
    public ImmutableDictionary<string, LlmEndpointOptions> Endpoints { get; init; } =
        ImmutableDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, new[]
        {
            KeyValuePair.Create(OllamaProvider, LlmEndpointOptions.Ollama),
            KeyValuePair.Create(OpenAIProvider, LlmEndpointOptions.OpenAI),
        });

    /// <summary>Prices used to fill in the cost of each call.</summary>
    public PriceTable Prices { get; init; } = PriceTable.Default;

    public LlmEndpointOptions Ollama => Endpoints[OllamaProvider];
    public LlmEndpointOptions OpenAI => Endpoints[OpenAIProvider];

    public LlmProviderOptions WithOllama(Func<LlmEndpointOptions, LlmEndpointOptions> change) => WithEndpoint(OllamaProvider, change(Ollama));
    public LlmProviderOptions WithOpenAI(Func<LlmEndpointOptions, LlmEndpointOptions> change) => WithEndpoint(OpenAIProvider, change(OpenAI));

    /// <summary>Adds or replaces the endpoint of provider <paramref name="provider"/>.</summary>
    public LlmProviderOptions WithEndpoint(string provider, LlmEndpointOptions endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        if (provider.Contains('/')) throw new ArgumentException($"Provider name '{provider}' must not contain '/'.", nameof(provider));
        return this with { Endpoints = Endpoints.SetItem(provider.ToLowerInvariant(), endpoint) };
    }

    public LlmProviderOptions WithPrices(PriceTable prices) => this with { Prices = prices };
}
