using System.Text.Json.Nodes;

namespace LlmSpell.Llm.Ollama;

// Embeddings: /api/embed.
public sealed partial class OllamaClient
{
    /// <summary>One vector per input, in order (<c>POST /api/embed</c>).</summary>
    public Task<OllamaEmbeddings> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions = null, CancellationToken cancellationToken = default) =>
        EmbedAsync(model, inputs, dimensions, options: null, keepAlive: null, cancellationToken);

    internal async Task<OllamaEmbeddings> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, JsonObject? options, JsonNode? keepAlive,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var request = new OllamaEmbedRequest
        {
            Model = model,
            Input = [.. inputs],
            Dimensions = dimensions,
            Options = options,
            KeepAlive = keepAlive ?? DefaultKeepAlive,
        };
        var answer = await PostAsync("api/embed", Serialize(request, OllamaJson.Default.OllamaEmbedRequest), OllamaJson.Default.OllamaEmbedResponse,
            model, limited: true, cancellationToken).ConfigureAwait(false);
        var vectors = answer.Embeddings ?? throw _endpoint.Malformed(model, "/api/embed answered without \"embeddings\"");
        if (vectors.Count != inputs.Count)
            throw _endpoint.Malformed(model, $"/api/embed returned {vectors.Count} vector(s) for {inputs.Count} input(s)");
        return new OllamaEmbeddings(answer.Model ?? model, vectors, answer.PromptEvalCount);
    }
}
