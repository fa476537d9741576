using System.Collections.Concurrent;
using LlmSpell.Llm.Ollama;
using LlmSpell.Llm.OpenAI;
using LlmSpell.Llm.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Llm;

/// <summary>
/// Resolves model specs to clients: <c>ollama/…</c> (or a bare name) to Ollama through OllamaSharp, <c>openai/…</c> to an
/// OpenAI-compatible server through Microsoft.Extensions.AI.OpenAI, and any further endpoint configured in <see cref="LlmProviderOptions.Endpoints"/> by its
/// kind. One client per endpoint, shared by every model on it, so its concurrency limit covers all of them.
/// </summary>
public sealed class ChatClientProvider : IChatClientProvider, IDisposable
{
    private readonly LlmProviderOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly Func<string, string?>? _environment;
    private readonly Func<string, HttpClient?>? _httpClients;
    private readonly ConcurrentDictionary<string, Lazy<IDisposable>> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<ModelSpec, IChatClient> _chatClients = new();

    /// <param name="options">Endpoints and prices; null: <see cref="LlmProviderOptions.Default"/>.</param>
    /// <param name="loggerFactory">For the clients' Debug logs (URLs and models only).</param>
    /// <param name="environment">Reads environment variables (<c>OLLAMA_HOST</c>, <c>OPENAI_*</c>); null: the process environment.</param>
    /// <param name="httpClients">Provider name → the HttpClient to use (not disposed by us); null or a null result: our own.</param>
    public ChatClientProvider(LlmProviderOptions? options = null, ILoggerFactory? loggerFactory = null,
        Func<string, string?>? environment = null, Func<string, HttpClient?>? httpClients = null)
    {
        _options = options ?? LlmProviderOptions.Default;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _environment = environment;
        _httpClients = httpClients;
        Costs = new CostCalculator(_options.Prices);
    }

    /// <summary>The ActivitySource and Meter name of the chat clients' GenAI telemetry (<c>AddSource</c>/<c>AddMeter</c> it to export).</summary>
    public const string TelemetrySourceName = "LlmSpell.Llm";

    /// <summary>The provider names a model spec may start with.</summary>
    public IReadOnlyCollection<string> Providers => _options.Endpoints.Keys
        .Concat(_options.LocalModels is null ? [] : [LlmProviderOptions.LocalProvider])
        .Order(StringComparer.Ordinal).ToArray();

    /// <summary>Costs from the options' price table.</summary>
    public CostCalculator Costs { get; }

    public IChatClient GetClient(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_chatClients.TryGetValue(model, out var cached)) return cached;
        if (model.Provider == LlmProviderOptions.LocalProvider && !_options.Endpoints.ContainsKey(model.Provider))
            return _chatClients.GetOrAdd(model, LocalClient(model));
        var client = EndpointOf(model.Provider) switch
        {
            OllamaEndpoint ollama => ollama.AsChatClient(model.Model),
            OpenAICompatibleClient openAI => openAI.AsChatClient(model.Model),
            var other => throw new InvalidOperationException($"Unexpected endpoint client {other.GetType()}."),
        };
        // M.E.AI's own middleware around ours: GenAI spans and metrics (prompts and answers stay out: sensitive data is off),
        // taken only while something listens.
        var instrumented = client.AsBuilder().UseOpenTelemetry(_loggers, TelemetrySourceName).Build();
        return _chatClients.GetOrAdd(model, new TelemetryGate(client, instrumented));
    }

    private IChatClient LocalClient(ModelSpec model)
    {
        if (_options.LocalModels is not { } local)
        {
            throw new LlmConfigurationException(
                $"'{model}' names the in-process engine, but it is not registered here; register LlmSpell.Llm.Local's " +
                "LocalModelProvider with LlmProviderOptions.WithLocalModels (the llmspell CLI does).", model.Provider);
        }
        return local.GetClient(model.Model, _options.ResolveModelsDirectory(_environment));
    }

    /// <summary>The Ollama endpoint of provider <paramref name="provider"/>, for model management (tags, show, pull) and embeddings.</summary>
    public OllamaEndpoint GetOllamaEndpoint(string provider = LlmProviderOptions.OllamaProvider) =>
        EndpointOf(provider) as OllamaEndpoint ?? throw new LlmConfigurationException(
            $"Provider '{provider}' is an OpenAI-compatible endpoint, not Ollama; use an Ollama provider (e.g. 'ollama').", provider);

    /// <summary>An embedding generator for <paramref name="model"/> (Ollama endpoints only).</summary>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return EndpointOf(model.Provider) is OllamaEndpoint ollama
            ? ollama.AsEmbeddingGenerator(model.Model)
            : throw new LlmConfigurationException(
                $"Embeddings are served by Ollama endpoints only; '{model}' names the OpenAI-compatible endpoint '{model.Provider}'.", model.Provider);
    }

    private IDisposable EndpointOf(string provider)
    {
        if (!_options.Endpoints.TryGetValue(provider, out var endpoint))
        {
            throw new LlmConfigurationException(
                $"Unknown LLM provider '{provider}'. Known providers: {string.Join(", ", Providers)}. " +
                "Write models as 'provider/model' (e.g. 'ollama/llama3.2:3b', 'openai/gpt-4o-mini'), or configure an endpoint with that name.",
                provider);
        }
        // Lazy: two threads asking at once must not build two clients (two sets of concurrency slots).
        var lazy = _endpoints.GetOrAdd(provider, p => new Lazy<IDisposable>(() => Create(p, endpoint)));
        try
        {
            return lazy.Value;
        }
        catch (LlmException)
        {
            // Do not remember a configuration error: the next call reads the configuration again.
            _endpoints.TryRemove(KeyValuePair.Create(provider, lazy));
            throw;
        }
    }

    private IDisposable Create(string provider, LlmEndpointOptions endpoint)
    {
        var http = _httpClients?.Invoke(provider);
        return endpoint.Kind switch
        {
            LlmProviderKind.Ollama => new OllamaEndpoint(provider, endpoint, http, _loggers.CreateLogger<OllamaEndpoint>(), _environment),
            LlmProviderKind.OpenAICompatible => new OpenAICompatibleClient(provider, endpoint, http, _loggers.CreateLogger<OpenAICompatibleClient>(), _environment),
            _ => throw new LlmConfigurationException($"Endpoint '{provider}' has unknown kind {endpoint.Kind}.", provider),
        };
    }

    public void Dispose()
    {
        foreach (var lazy in _endpoints.Values)
        {
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        }
        _endpoints.Clear();
        _chatClients.Clear();
    }
}
