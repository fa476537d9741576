using System.Collections.Immutable;
using LlmSpell.Llm.Pricing;

namespace LlmSpell.Llm;

/// <summary>The LLM endpoints by provider name (the part before '/' in a model spec) and the price table.</summary>
public sealed record LlmProviderOptions
{
    public const string OllamaProvider = "ollama";
    public const string OpenAIProvider = "openai";
    public const string LocalProvider = "local";

    /// <summary>The environment variable naming the folder of local models (overridden by <see cref="ModelsDirectory"/>).</summary>
    public const string ModelsDirectoryVariable = "LLMSPELL_MODELS_DIR";

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

    /// <summary>
    /// The in-process engine serving <c>local/…</c> specs (<c>local/path/to/model.gguf</c> or <c>local/name</c> for
    /// <c>name.gguf</c> in <see cref="ModelsDirectory"/>); null: <c>local/…</c> is an error saying so.
    /// </summary>
    public ILocalModelProvider? LocalModels { get; init; }

    /// <summary>
    /// Where <c>local/&lt;name&gt;</c> is looked up; null: <c>$LLMSPELL_MODELS_DIR</c>, else <c>models</c> in the
    /// data home (<see cref="DataHome"/>: <c>~/.local/share/llmspell/models</c> on Linux).
    /// </summary>
    public string? ModelsDirectory { get; init; }

    public LlmProviderOptions WithLocalModels(ILocalModelProvider? provider) => this with { LocalModels = provider };

    public LlmProviderOptions WithModelsDirectory(string? directory) => this with { ModelsDirectory = directory };

    /// <summary>The folder <c>local/&lt;name&gt;</c> is looked up in (see <see cref="ModelsDirectory"/>).</summary>
    public string ResolveModelsDirectory(Func<string, string?>? environment = null) => ResolveModels(environment).Path;

    /// <summary>As <see cref="ResolveModelsDirectory"/>, with the note to show when it is the old models folder.</summary>
    public DataHomeChoice ResolveModels(Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(ModelsDirectory)) return new(Path.GetFullPath(ModelsDirectory), null);
        var fromEnv = (environment ?? Environment.GetEnvironmentVariable)(ModelsDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return new(Path.GetFullPath(fromEnv), null);
        return DataHome.Models(DataDirectory ?? DataHome.Resolve(environment: environment).Path, environment);
    }

    /// <summary>The data directory whose <c>models</c> folder is the default <see cref="ModelsDirectory"/>; null: <see cref="DataHome.Resolve"/>'s.</summary>
    public string? DataDirectory { get; init; }

    public LlmProviderOptions WithDataDirectory(string? directory) => this with { DataDirectory = directory };

    public LlmProviderOptions WithPrices(PriceTable prices) => this with { Prices = prices };
}
