using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Http;

/// <summary>
/// Puts a library's <see cref="IChatClient"/> behind its endpoint's rules: a concurrency slot and the request timeout per
/// call, client-level retries of transient failures before any answer arrived, typed errors naming server, model and fix,
/// the endpoint's default model, and a stream that ends before the server said it was done is an error, never a short answer.
/// </summary>
internal sealed class EndpointChatClient : DelegatingChatClient
{
    private readonly LlmEndpoint _endpoint;
    private readonly string? _defaultModel;
    private readonly Func<ChatResponseUpdate, bool> _isLast;
    private readonly string _lastExpected;
    private readonly Func<ChatOptions, ChatOptions>? _prepare;
    private readonly ChatClientMetadata _metadata;

    /// <param name="inner">The library's client (shared by every model of the endpoint; not disposed here).</param>
    /// <param name="endpoint">The server's slots, timeout and error texts.</param>
    /// <param name="defaultModel">The model when ChatOptions.ModelId is unset.</param>
    /// <param name="providerName">The provider as <see cref="ChatClientMetadata"/> names it.</param>
    /// <param name="isLast">Whether an update is the server's last word (Ollama's <c>done</c>, OpenAI's finish reason).</param>
    /// <param name="lastExpected">What the missing last word is called in the error, e.g. "a finish_reason".</param>
    /// <param name="prepare">Fills endpoint defaults into a copy of the call's options (e.g. Ollama's keep_alive).</param>
    public EndpointChatClient(IChatClient inner, LlmEndpoint endpoint, string? defaultModel, string providerName,
        Func<ChatResponseUpdate, bool> isLast, string lastExpected, Func<ChatOptions, ChatOptions>? prepare = null)
        : base(inner)
    {
        _endpoint = endpoint;
        _defaultModel = defaultModel;
        _isLast = isLast;
        _lastExpected = lastExpected;
        _prepare = prepare;
        _metadata = new ChatClientMetadata(providerName, endpoint.BaseUrl, defaultModel);
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (model, prepared) = Prepare(options);
        using var lease = await _endpoint.AcquireAsync(limited: true, timed: true, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using (new EndpointCall(model, lease.Token).Enter())
                {
                    var response = await base.GetResponseAsync(messages, prepared, lease.Token).ConfigureAwait(false);
                    lease.Token.ThrowIfCancellationRequested();
                    return response;
                }
            }
            catch (Exception ex)
            {
                var failure = _endpoint.Translate(ex, lease, model);
                if (!await ShouldRetryAsync(failure, attempt, lease).ConfigureAwait(false))
                {
                    if (ReferenceEquals(failure, ex)) throw;
                    throw failure;
                }
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (model, prepared) = Prepare(options);
        using var lease = await _endpoint.AcquireAsync(limited: true, timed: true, cancellationToken).ConfigureAwait(false);
        var call = new EndpointCall(model, lease.Token);

        // The request goes out on the first MoveNextAsync; client-level retries stop once an update has arrived.
        IAsyncEnumerator<ChatResponseUpdate> updates;
        bool any;
        for (var attempt = 1; ; attempt++)
        {
            updates = base.GetStreamingResponseAsync(messages, prepared, lease.Token).GetAsyncEnumerator(lease.Token);
            try
            {
                using (call.Enter()) any = await updates.MoveNextAsync().ConfigureAwait(false);
                break;
            }
            catch (Exception ex)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
                var failure = _endpoint.Translate(ex, lease, model);
                if (!await ShouldRetryAsync(failure, attempt, lease).ConfigureAwait(false))
                {
                    if (ReferenceEquals(failure, ex)) throw;
                    throw failure;
                }
            }
        }

        await using (updates)
        {
            var received = 0;
            var last = false;
            while (any)
            {
                received++;
                var update = updates.Current;
                last |= _isLast(update);
                yield return update;
                try
                {
                    // No request goes out from here on: the call was captured by the response's guard, if any.
                    any = await updates.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    var failure = _endpoint.Translate(ex, lease, model);
                    // A connection dropped mid-answer: say so, with how far it got.
                    if (ex is not LlmException && failure is LlmTransientException and not LlmTimeoutException and not LlmUnavailableException)
                        failure = _endpoint.Truncated(model, received, _lastExpected, ex);
                    if (ReferenceEquals(failure, ex)) throw;
                    throw failure;
                }
            }
            // A library may end its loop quietly when the token fires: that is a cancellation or a timeout, not an answer.
            if (lease.Token.IsCancellationRequested) throw _endpoint.Translate(new OperationCanceledException(lease.Token), lease, model);
            if (!last) throw _endpoint.Truncated(model, received, _lastExpected);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(ChatClientMetadata)) return _metadata;
            if (serviceType == typeof(LlmEndpointOptions)) return _endpoint.Options;
        }
        return base.GetService(serviceType, serviceKey);
    }

    /// <summary>Nothing to release: the library's client is shared by the endpoint's models and disposed with the endpoint.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    private (string Model, ChatOptions Options) Prepare(ChatOptions? options)
    {
        var model = options?.ModelId ?? _defaultModel ?? throw new LlmConfigurationException(
            $"No model given for {_endpoint.Profile.DisplayName} at {_endpoint.BaseUrl}: set ChatOptions.ModelId or create the client with a default model (e.g. 'llama3.2:3b').",
            _endpoint.Provider, _endpoint.BaseUrl);
        // The caller's options are theirs: fill in a copy, and only when something is missing.
        if (options?.ModelId is not null && _prepare is null) return (model, options);
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ModelId = model;
        return (model, _prepare is null ? prepared : _prepare(prepared));
    }

    private async Task<bool> ShouldRetryAsync(Exception failure, int attempt, RequestLease lease)
    {
        if (failure is not LlmException { IsTransient: true } || failure is LlmTimeoutException || attempt > _endpoint.Options.MaxRetries) return false;
        await _endpoint.DelayBeforeRetryAsync(attempt, _endpoint.BaseUrl, failure, lease).ConfigureAwait(false);
        return true;
    }
}
