using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using LlmSpell.Llm.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Llm.Ollama;

/// <summary>
/// A client of Ollama's native HTTP API. Inference calls (chat, generate, embed) share the endpoint's concurrency
/// slots and run under its request timeout; <see cref="AsChatClient"/> and <see cref="AsEmbeddingGenerator"/> give the
/// M.E.AI views. One instance per server; it is thread-safe.
/// </summary>
public sealed partial class OllamaClient : IDisposable
{
    private readonly LlmEndpoint _endpoint;

    /// <param name="options">The endpoint; its <see cref="LlmEndpointOptions.BaseUrl"/> wins over <c>OLLAMA_HOST</c>.</param>
    /// <param name="httpClient">Used as given (not disposed); null: a client of our own with the options' connect timeout.</param>
    /// <param name="logger">Gets URLs and model names at Debug; never prompts or keys.</param>
    /// <param name="environment">Reads environment variables (tests pass their own); null: the process environment.</param>
    public OllamaClient(LlmEndpointOptions? options = null, HttpClient? httpClient = null, ILogger? logger = null, Func<string, string?>? environment = null)
        : this(LlmProviderOptions.OllamaProvider, options ?? LlmEndpointOptions.Ollama, httpClient, logger, environment)
    {
    }

    internal OllamaClient(string provider, LlmEndpointOptions options, HttpClient? httpClient, ILogger? logger, Func<string, string?>? environment)
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
    }

    /// <summary>Where requests go (always ending in '/').</summary>
    public Uri BaseUrl => _endpoint.BaseUrl;

    public LlmEndpointOptions Options => _endpoint.Options;

    /// <summary>Inference requests holding a concurrency slot right now.</summary>
    public int InFlight => _endpoint.InFlight;

    /// <summary>An <see cref="IChatClient"/> over <c>/api/chat</c>; <paramref name="defaultModel"/> applies when ChatOptions.ModelId is unset.</summary>
    public IChatClient AsChatClient(string? defaultModel = null) => new OllamaChatClient(this, defaultModel);

    /// <summary>An <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over <c>/api/embed</c>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> AsEmbeddingGenerator(string? defaultModel = null) => new OllamaEmbeddingGenerator(this, defaultModel);

    internal LlmEndpoint Endpoint => _endpoint;

    internal async Task<OllamaChatChunk> ChatAsync(OllamaChatRequest request, CancellationToken cancellationToken)
    {
        var answer = await PostAsync("api/chat", Serialize(request, OllamaJson.Default.OllamaChatRequest), OllamaJson.Default.OllamaChatChunk,
            request.Model, limited: true, cancellationToken).ConfigureAwait(false);
        if (answer.Error is { } error) throw _endpoint.ReportedError(request.Model, error);
        if (!answer.Done) throw _endpoint.Malformed(request.Model, "the non-streamed answer has \"done\": false");
        return answer;
    }

    internal IAsyncEnumerable<OllamaChatChunk> StreamChatAsync(OllamaChatRequest request, CancellationToken cancellationToken) =>
        StreamAsync("api/chat", Serialize(request, OllamaJson.Default.OllamaChatRequest), OllamaJson.Default.OllamaChatChunk, request.Model,
            c => c.Done, c => c.Error is { } e ? _endpoint.ReportedError(request.Model, e) : null, "a final \"done\": true line",
            limited: true, timed: true, cancellationToken);

    internal JsonNode? DefaultKeepAlive => _endpoint.Options.KeepAlive is { } keepAlive ? JsonValue.Create(keepAlive) : null;

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    /// <summary>A request whose answer is one JSON document.</summary>
    private async Task<T> PostAsync<T>(string path, byte[]? body, JsonTypeInfo<T> type, string? model, bool limited, CancellationToken cancellationToken)
    {
        using var lease = await _endpoint.AcquireAsync(limited, timed: true, cancellationToken).ConfigureAwait(false);
        using var response = await _endpoint.SendAsync(body is null ? HttpMethod.Get : HttpMethod.Post, path, body, lease, model, streamResponse: false)
            .ConfigureAwait(false);
        byte[] bytes;
        try
        {
            bytes = await response.Content.ReadAsByteArrayAsync(lease.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw _endpoint.Translate(ex, lease, model);
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw _endpoint.Malformed(model, $"{path} answered JSON null");
        }
        catch (JsonException ex)
        {
            if (IsIncompleteJson(bytes)) throw _endpoint.Truncated(model, 0, "the end of the JSON answer", ex);
            throw _endpoint.Malformed(model, $"{path} did not answer valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Whether the bytes are the valid start of a JSON document that stops early (a cut connection, not garbage).</summary>
    private static bool IsIncompleteJson(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return reader.BytesConsumed < bytes.Length || reader.CurrentDepth > 0 || reader.TokenType == JsonTokenType.None;
    }

    /// <summary>
    /// A request whose answer is NDJSON. The stream must end with a line for which <paramref name="isLast"/> holds;
    /// ending (or breaking) before that is a truncation, never a short answer.
    /// </summary>
    private async IAsyncEnumerable<T> StreamAsync<T>(string path, byte[] body, JsonTypeInfo<T> type, string? model, Func<T, bool> isLast,
        Func<T, Exception?> errorOf, string expected, bool limited, bool timed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = await _endpoint.AcquireAsync(limited, timed, cancellationToken).ConfigureAwait(false);
        using var response = await _endpoint.SendAsync(HttpMethod.Post, path, body, lease, model, streamResponse: true).ConfigureAwait(false);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(lease.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw _endpoint.Translate(ex, lease, model);
        }
        await using var lines = NdjsonReader.ReadAsync(stream, type, _endpoint, model, expected, lease.Token).GetAsyncEnumerator(lease.Token);
        var received = 0;
        while (true)
        {
            T item;
            try
            {
                if (!await lines.MoveNextAsync().ConfigureAwait(false)) break;
                item = lines.Current;
            }
            catch (Exception ex) when (ex is not LlmException)
            {
                var failure = _endpoint.Translate(ex, lease, model);
                // A connection dropped mid-answer: say so, with how far it got.
                if (failure is LlmTransientException and not LlmTimeoutException and not LlmUnavailableException)
                    failure = _endpoint.Truncated(model, received, expected, ex);
                throw failure;
            }
            received++;
            if (errorOf(item) is { } error) throw error;
            yield return item;
            if (isLast(item))
            {
                // Read the end of the body so the connection goes back to the pool.
                try
                {
                    await lines.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The answer is complete; what follows it does not matter.
                }
                yield break;
            }
        }
        throw _endpoint.Truncated(model, received, expected);
    }

    public void Dispose() => _endpoint.Dispose();
}
