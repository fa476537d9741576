using System.ClientModel;
using System.Runtime.CompilerServices;
using LlmSpell.Llm.Http;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace LlmSpell.Llm.OpenAI;

/// <summary>
/// <see cref="IChatClient"/> over an OpenAI-compatible <c>/chat/completions</c>: streaming (usage via
/// <c>stream_options.include_usage</c>, which the SDK sets), tools, JSON and schema output. A stream that ends without a
/// finish reason is an error, never a short answer.
/// </summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly OpenAICompatibleClient _client;
    private readonly string? _defaultModel;
    private readonly ChatClientMetadata _metadata;

    public OpenAIChatClient(OpenAICompatibleClient client, string? defaultModel = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _defaultModel = defaultModel;
        _metadata = new ChatClientMetadata("openai", client.BaseUrl, defaultModel);
    }

    private LlmEndpoint Endpoint => _client.Endpoint;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = ModelOf(options);
        var chat = _client.ChatClientFor(model);
        var wireMessages = OpenAIChatMapper.ToMessages(messages, options?.Instructions);
        using var lease = await Endpoint.AcquireAsync(limited: true, timed: true, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                ClientResult<ChatCompletion> result = await chat.CompleteChatAsync(wireMessages, OpenAIChatMapper.ToOptions(options), lease.Token).ConfigureAwait(false);
                return OpenAIChatMapper.ToResponse(result.Value);
            }
            catch (Exception ex)
            {
                var failure = Translate(ex, lease, model);
                if (!await ShouldRetryAsync(failure, attempt, lease).ConfigureAwait(false)) throw failure;
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = ModelOf(options);
        var chat = _client.ChatClientFor(model);
        var wireMessages = OpenAIChatMapper.ToMessages(messages, options?.Instructions);
        using var lease = await Endpoint.AcquireAsync(limited: true, timed: true, cancellationToken).ConfigureAwait(false);

        // The request goes out on the first MoveNextAsync; client-level retries stop once an update has arrived.
        IAsyncEnumerator<StreamingChatCompletionUpdate> updates;
        bool any;
        for (var attempt = 1; ; attempt++)
        {
            updates = chat.CompleteChatStreamingAsync(wireMessages, OpenAIChatMapper.ToOptions(options), lease.Token).GetAsyncEnumerator(lease.Token);
            try
            {
                any = await updates.MoveNextAsync().ConfigureAwait(false);
                break;
            }
            catch (Exception ex)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
                var failure = Translate(ex, lease, model);
                if (!await ShouldRetryAsync(failure, attempt, lease).ConfigureAwait(false)) throw failure;
            }
        }

        await using (updates)
        {
            var state = new OpenAIChatMapper.StreamState();
            var received = 0;
            while (any)
            {
                received++;
                yield return state.ToUpdate(updates.Current);
                try
                {
                    any = await updates.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    var failure = Translate(ex, lease, model);
                    if (failure is LlmTransientException and not LlmTimeoutException and not LlmUnavailableException)
                        failure = Endpoint.Truncated(model, received, "a finish_reason", ex);
                    throw failure;
                }
            }
            if (!state.Finished) throw Endpoint.Truncated(model, received, "a finish_reason");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(OpenAICompatibleClient)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAICompatibleClient"/> is shared and disposed by its owner.</summary>
    public void Dispose()
    {
    }

    private Exception Translate(Exception ex, RequestLease lease, string model)
    {
        if (ex is ClientResultException result && !lease.Token.IsCancellationRequested)
        {
            if (result.Status == 0) return result.InnerException is { } inner ? Endpoint.Translate(inner, lease, model) : Endpoint.Translate(ex, lease, model);
            return Endpoint.FailureFromStatus(result.Status, result.GetRawResponse()?.Content?.ToString(), model);
        }
        return Endpoint.Translate(ex, lease, model);
    }

    private async Task<bool> ShouldRetryAsync(Exception failure, int attempt, RequestLease lease)
    {
        if (failure is not LlmException { IsTransient: true } || failure is LlmTimeoutException || attempt > Endpoint.Options.MaxRetries) return false;
        await Endpoint.DelayBeforeRetryAsync(attempt, Endpoint.Url("chat/completions"), failure, lease).ConfigureAwait(false);
        return true;
    }

    private string ModelOf(ChatOptions? options) => options?.ModelId ?? _defaultModel ?? throw new LlmConfigurationException(
        $"No model given for the OpenAI-compatible server at {_client.BaseUrl}: set ChatOptions.ModelId or create the client with a default model.",
        Endpoint.Provider, _client.BaseUrl);
}
