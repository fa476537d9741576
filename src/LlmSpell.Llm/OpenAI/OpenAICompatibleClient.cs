using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using LlmSpell.Llm.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenAI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace LlmSpell.Llm.OpenAI;

/// <summary>
/// One OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, LM Studio) over the <c>OpenAI</c> SDK and
/// Microsoft.Extensions.AI.OpenAI's <see cref="IChatClient"/> adapter, with the endpoint's concurrency slots, request
/// timeout and typed errors. The SDK's own retries are off: the workflow engine's step retry policy (and the optional
/// <see cref="LlmEndpointOptions.MaxRetries"/>) decide. Thread-safe; one per server.
/// </summary>
public sealed class OpenAICompatibleClient : IDisposable
{
    private readonly LlmEndpoint _endpoint;
    private readonly OpenAIClient _sdk;
    private readonly ConcurrentDictionary<string, IChatClient> _chatClients = new(StringComparer.Ordinal);
    private readonly IChatClient _byModel;

    /// <param name="options">The endpoint; BaseUrl and ApiKey win over <c>OPENAI_BASE_URL</c> and <c>OPENAI_API_KEY</c>.</param>
    /// <param name="httpClient">Used as given (not disposed); null: a client of our own.</param>
    /// <param name="logger">Gets URLs and model names at Debug; never prompts or keys.</param>
    /// <param name="environment">Reads environment variables (tests pass their own); null: the process environment.</param>
    public OpenAICompatibleClient(LlmEndpointOptions? options = null, HttpClient? httpClient = null, ILogger? logger = null, Func<string, string?>? environment = null)
        : this(LlmProviderOptions.OpenAIProvider, options ?? LlmEndpointOptions.OpenAI, httpClient, logger, environment)
    {
    }

    internal OpenAICompatibleClient(string provider, LlmEndpointOptions options, HttpClient? httpClient, ILogger? logger, Func<string, string?>? environment)
    {
        var (baseUrl, apiKey) = OpenAIEnvironment.Resolve(provider, options, environment);
        _endpoint = new LlmEndpoint(EndpointProfile.OpenAI(provider), baseUrl, options, httpClient, logger);
        var sdkOptions = new OpenAIClientOptions
        {
            Endpoint = _endpoint.BaseUrl,
            Transport = new HttpClientPipelineTransport(_endpoint.Http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Our token carries the request timeout; the SDK's 100 s network timeout would cut long generations short.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        _sdk = new OpenAIClient(new ApiKeyCredential(apiKey), sdkOptions);
        _byModel = new ModelRouter(this);
    }

    public Uri BaseUrl => _endpoint.BaseUrl;

    public LlmEndpointOptions Options => _endpoint.Options;

    /// <summary>Requests holding a concurrency slot right now.</summary>
    public int InFlight => _endpoint.InFlight;

    /// <summary>An <see cref="IChatClient"/> over <c>/chat/completions</c>; <paramref name="defaultModel"/> applies when ChatOptions.ModelId is unset.</summary>
    public IChatClient AsChatClient(string? defaultModel = null) =>
        new EndpointChatClient(_byModel, _endpoint, defaultModel, "openai", static u => u.FinishReason is not null, "a finish_reason");

    internal LlmEndpoint Endpoint => _endpoint;

    /// <summary>The adapter of <paramref name="model"/> (the SDK binds a chat client to one model).</summary>
    private IChatClient ChatClientFor(string model) => _chatClients.GetOrAdd(model, static (m, sdk) => sdk.GetChatClient(m).AsIChatClient(), _sdk);

    public void Dispose() => _endpoint.Dispose();

    /// <summary>Sends each call to the adapter of the model its options name (set by <see cref="EndpointChatClient"/>).</summary>
    private sealed class ModelRouter(OpenAICompatibleClient owner) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.ChatClientFor(options!.ModelId!).GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) =>
            owner.ChatClientFor(options!.ModelId!).GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(OpenAICompatibleClient) ? owner : null;

        public void Dispose()
        {
        }
    }
}
