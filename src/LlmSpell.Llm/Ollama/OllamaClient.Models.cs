using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmSpell.Llm.Ollama;

// Model management: /api/tags, /api/show, /api/version, /api/pull. These take no concurrency slot.
public sealed partial class OllamaClient
{
    /// <summary>The models installed on the server (<c>GET /api/tags</c>).</summary>
    public async Task<IReadOnlyList<OllamaModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var tags = await PostAsync("api/tags", body: null, OllamaJson.Default.OllamaTagsResponse, model: null, limited: false, cancellationToken)
            .ConfigureAwait(false);
        return tags.Models ?? [];
    }

    /// <summary>Details of one model (<c>POST /api/show</c>); an unknown model is an <see cref="LlmModelNotFoundException"/>.</summary>
    public Task<OllamaModelInfo> ShowModelAsync(string model, bool verbose = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var body = Serialize(new OllamaModelRequest { Model = model, Verbose = verbose ? true : null }, OllamaJson.Default.OllamaModelRequest);
        return PostAsync("api/show", body, OllamaJson.Default.OllamaModelInfo, model, limited: false, cancellationToken);
    }

    /// <summary>The server's version (<c>GET /api/version</c>), e.g. "0.12.3".</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var answer = await PostAsync("api/version", body: null, OllamaJson.Default.OllamaVersionResponse, model: null, limited: false, cancellationToken)
            .ConfigureAwait(false);
        return answer.Version ?? throw _endpoint.Malformed(null, "/api/version answered without a \"version\"");
    }

    /// <summary>
    /// Downloads a model (<c>POST /api/pull</c>), yielding each status line; ends after the "success" status. Pulls are
    /// long: they run under the caller's token only, not the request timeout.
    /// </summary>
    public IAsyncEnumerable<OllamaPullProgress> PullStreamingAsync(string model, bool insecure = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var body = Serialize(new OllamaModelRequest { Model = model, Insecure = insecure ? true : null, Stream = true }, OllamaJson.Default.OllamaModelRequest);
        return StreamAsync("api/pull", body, OllamaJson.Default.OllamaPullProgress, model, p => p.IsSuccess,
            p => p.Error is { } e
                ? new LlmRequestException($"Ollama at {BaseUrl} could not pull '{model}': {e}. Check the name (https://ollama.com/library) and the server's network.",
                    _endpoint.Provider, BaseUrl, model, statusCode: null)
                : null,
            "a \"success\" status", limited: false, timed: false, cancellationToken);
    }

    /// <summary>Downloads a model, reporting each status line to <paramref name="progress"/>; returns after "success".</summary>
    public async Task PullAsync(string model, IProgress<OllamaPullProgress>? progress = null, bool insecure = false, CancellationToken cancellationToken = default)
    {
        await foreach (var status in PullStreamingAsync(model, insecure, cancellationToken).ConfigureAwait(false)) progress?.Report(status);
    }
}
