using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Http;

/// <summary>A library's embedding generator behind its endpoint's slot, request timeout and typed errors.</summary>
internal sealed class EndpointEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, LlmEndpoint endpoint, string? defaultModel, string providerName)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly EmbeddingGeneratorMetadata _metadata = new(providerName, endpoint.BaseUrl, defaultModel);

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var model = options?.ModelId ?? defaultModel ?? throw new LlmConfigurationException(
            $"No embedding model given for {endpoint.Profile.DisplayName} at {endpoint.BaseUrl}: set EmbeddingGenerationOptions.ModelId or a default model (e.g. 'nomic-embed-text').",
            endpoint.Provider, endpoint.BaseUrl);
        var prepared = options?.Clone() ?? new EmbeddingGenerationOptions();
        prepared.ModelId = model;
        using var lease = await endpoint.AcquireAsync(limited: true, timed: true, cancellationToken).ConfigureAwait(false);
        try
        {
            using (new EndpointCall(model, lease.Token).Enter())
                return await base.GenerateAsync(values, prepared, lease.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var failure = endpoint.Translate(ex, lease, model);
            if (ReferenceEquals(failure, ex)) throw;
            throw failure;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);

    /// <summary>Nothing to release: the library's client belongs to the endpoint.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
