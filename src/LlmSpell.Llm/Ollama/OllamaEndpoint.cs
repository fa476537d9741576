using System.Runtime.CompilerServices;
using LlmSpell.Llm.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace LlmSpell.Llm.Ollama;

/// <summary>
/// One Ollama server, spoken to through OllamaSharp: chat and embeddings as M.E.AI clients behind the endpoint's
/// concurrency slots, request timeout and typed errors, and model management (list, show, version, pull) for the CLI.
/// One instance per server; thread-safe.
/// </summary>
public sealed class OllamaEndpoint : IDisposable
{
    private readonly LlmEndpoint _endpoint;
    private readonly OllamaApiClient _api;

    /// <param name="options">The endpoint; its <see cref="LlmEndpointOptions.BaseUrl"/> wins over <c>OLLAMA_HOST</c>.</param>
    /// <param name="httpClient">Sent through as given (not disposed); null: a client of our own with the options' connect timeout.</param>
    /// <param name="logger">Gets URLs and model names at Debug; never prompts or keys.</param>
    /// <param name="environment">Reads environment variables (tests pass their own); null: the process environment.</param>
    public OllamaEndpoint(LlmEndpointOptions? options = null, HttpClient? httpClient = null, ILogger? logger = null, Func<string, string?>? environment = null)
        : this(LlmProviderOptions.OllamaProvider, options ?? LlmEndpointOptions.Ollama, httpClient, logger, environment)
    {
    }

    internal OllamaEndpoint(string provider, LlmEndpointOptions options, HttpClient? httpClient, ILogger? logger, Func<string, string?>? environment)
    {
        Uri baseUrl;
        try
        {
            baseUrl = OllamaHost.Resolve(options.BaseUrl, environment);
        }
        catch (FormatException ex)
        {
            throw new LlmConfigurationException(ex.Message, provider, innerException: ex);
        }
        _endpoint = new LlmEndpoint(EndpointProfile.Ollama(provider), baseUrl, options, httpClient, logger);
        _api = new OllamaApiClient(_endpoint.Http);
    }

    /// <summary>Where requests go (always ending in '/').</summary>
    public Uri BaseUrl => _endpoint.BaseUrl;

    public LlmEndpointOptions Options => _endpoint.Options;

    /// <summary>Inference requests holding a concurrency slot right now.</summary>
    public int InFlight => _endpoint.InFlight;

    /// <summary>
    /// OllamaSharp's client on this endpoint's HTTP pipeline (typed errors, guarded streams) for what we do not wrap,
    /// e.g. <c>/api/generate</c>; its calls take no concurrency slot and run under the caller's token only.
    /// </summary>
    public IOllamaApiClient Api => _api;

    /// <summary>An <see cref="IChatClient"/> over <c>/api/chat</c>; <paramref name="defaultModel"/> applies when ChatOptions.ModelId is unset.</summary>
    public IChatClient AsChatClient(string? defaultModel = null) =>
        new EndpointChatClient(_api, _endpoint, defaultModel, "ollama", IsDone, "a final \"done\": true line",
            _endpoint.Options.KeepAlive is null ? null : WithKeepAlive);

    /// <summary>An <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over <c>/api/embed</c>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> AsEmbeddingGenerator(string? defaultModel = null) =>
        new EndpointEmbeddingGenerator(_api, _endpoint, defaultModel, "ollama");

    internal LlmEndpoint Endpoint => _endpoint;

    /// <summary>The models installed on the server (<c>GET /api/tags</c>).</summary>
    public Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        ManageAsync<IReadOnlyList<Model>>(null, async token => [.. await _api.ListLocalModelsAsync(token).ConfigureAwait(false) ?? []], cancellationToken);

    /// <summary>Details of one model (<c>POST /api/show</c>); an unknown model is an <see cref="LlmModelNotFoundException"/>.</summary>
    public Task<ShowModelResponse> ShowModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return ManageAsync(model, token => _api.ShowModelAsync(new ShowModelRequest { Model = model }, token), cancellationToken);
    }

    /// <summary>The server's version (<c>GET /api/version</c>), e.g. "0.12.3".</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var version = await ManageAsync(null, token => _api.GetVersionAsync(token), cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(version) ? throw _endpoint.Malformed(null, "/api/version answered without a \"version\"") : version;
    }

    /// <summary>
    /// Downloads a model (<c>POST /api/pull</c>), yielding each status line; ends after the "success" status, and a stream
    /// that ends before it is an error. Pulls are long: they run under the caller's token only, not the request timeout.
    /// </summary>
    public async IAsyncEnumerable<PullModelResponse> PullStreamingAsync(string model, bool insecure = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var lease = await _endpoint.AcquireAsync(limited: false, timed: false, cancellationToken).ConfigureAwait(false);
        var call = new EndpointCall(model, lease.Token, text => new LlmRequestException(
            $"Ollama at {BaseUrl} could not pull '{model}': {text}. Check the name (https://ollama.com/library) and the server's network.",
            _endpoint.Provider, BaseUrl, model, statusCode: null));
        var request = new PullModelRequest { Model = model, Insecure = insecure, Stream = true };
        await using var lines = _api.PullModelAsync(request, lease.Token).GetAsyncEnumerator(lease.Token);
        var received = 0;
        while (true)
        {
            PullModelResponse? status;
            try
            {
                using (call.Enter())
                {
                    if (!await lines.MoveNextAsync().ConfigureAwait(false)) break;
                }
                status = lines.Current;
            }
            catch (Exception ex)
            {
                var failure = _endpoint.Translate(ex, lease, model);
                if (ex is not LlmException && failure is LlmTransientException and not LlmTimeoutException and not LlmUnavailableException)
                    failure = _endpoint.Truncated(model, received, "a \"success\" status", ex);
                if (ReferenceEquals(failure, ex)) throw;
                throw failure;
            }
            if (status is null) continue;
            received++;
            yield return status;
            if (status.Status == "success") yield break;
        }
        lease.Token.ThrowIfCancellationRequested();
        throw _endpoint.Truncated(model, received, "a \"success\" status");
    }

    /// <summary>Downloads a model, reporting each status line to <paramref name="progress"/>; returns after "success".</summary>
    public async Task PullAsync(string model, IProgress<PullModelResponse>? progress = null, bool insecure = false, CancellationToken cancellationToken = default)
    {
        await foreach (var status in PullStreamingAsync(model, insecure, cancellationToken).ConfigureAwait(false)) progress?.Report(status);
    }

    public void Dispose()
    {
        _api.Dispose();
        _endpoint.Dispose();
    }

    /// <summary>Model management takes no concurrency slot but runs under the request timeout, with typed errors.</summary>
    private async Task<T> ManageAsync<T>(string? model, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        using var lease = await _endpoint.AcquireAsync(limited: false, timed: true, cancellationToken).ConfigureAwait(false);
        try
        {
            using (new EndpointCall(model, lease.Token).Enter()) return await send(lease.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var failure = _endpoint.Translate(ex, lease, model);
            if (ReferenceEquals(failure, ex)) throw;
            throw failure;
        }
    }

    // Ollama's last line says "done": true; OllamaSharp gives it as the raw representation of the last update.
    private static bool IsDone(ChatResponseUpdate update) => update.RawRepresentation is ChatResponseStream { Done: true };

    private ChatOptions WithKeepAlive(ChatOptions options)
    {
        if (_endpoint.Options.KeepAlive is { } keepAlive && options.AdditionalProperties?.ContainsKey("keep_alive") != true)
            (options.AdditionalProperties ??= [])["keep_alive"] = keepAlive;
        return options;
    }
}
