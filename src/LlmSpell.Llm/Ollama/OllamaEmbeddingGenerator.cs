using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Ollama;

/// <summary><see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over Ollama's <c>/api/embed</c>: one request for all inputs.</summary>
public sealed class OllamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OllamaClient _client;
    private readonly string? _defaultModel;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public OllamaEmbeddingGenerator(OllamaClient client, string? defaultModel = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _defaultModel = defaultModel;
        _metadata = new EmbeddingGeneratorMetadata("ollama", client.BaseUrl, defaultModel);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var model = options?.ModelId ?? _defaultModel ?? throw new LlmConfigurationException(
            $"No embedding model given for Ollama at {_client.BaseUrl}: set EmbeddingGenerationOptions.ModelId or a default model (e.g. 'nomic-embed-text').",
            _client.Endpoint.Provider, _client.BaseUrl);
        JsonObject? modelOptions = null;
        JsonNode? keepAlive = null;
        foreach (var (key, value) in options?.AdditionalProperties ?? [])
        {
            if (key == "keep_alive") keepAlive = OllamaChatMapper.ToNode(value);
            else (modelOptions ??= [])[key] = OllamaChatMapper.ToNode(value);
        }
        var inputs = values as IReadOnlyList<string> ?? values.ToArray();
        var answer = await _client.EmbedAsync(model, inputs, options?.Dimensions, modelOptions, keepAlive, cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(answer.Vectors.Select(v => new Embedding<float>(v) { ModelId = answer.Model, CreatedAt = created }));
        if (answer.PromptEvalCount is { } tokens) embeddings.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return embeddings;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        if (serviceType == typeof(OllamaClient)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }
}
