using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Ollama;

/// <summary>
/// <see cref="IChatClient"/> over Ollama's <c>/api/chat</c>: streaming NDJSON or one answer, model options, <c>format</c>
/// (JSON or a schema) from ChatOptions.ResponseFormat, tools and tool calls, and token usage.
/// ChatOptions.AdditionalProperties go to <c>options</c> (e.g. <c>num_ctx</c>), except <c>keep_alive</c> and <c>think</c>,
/// which are request fields.
/// </summary>
public sealed class OllamaChatClient : IChatClient
{
    private readonly OllamaClient _client;
    private readonly string? _defaultModel;
    private readonly ChatClientMetadata _metadata;

    public OllamaChatClient(OllamaClient client, string? defaultModel = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _defaultModel = defaultModel;
        _metadata = new ChatClientMetadata("ollama", client.BaseUrl, defaultModel);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = OllamaChatMapper.ToRequest(messages, options, ModelOf(options), stream: false, _client.Options.KeepAlive);
        var answer = await _client.ChatAsync(request, cancellationToken).ConfigureAwait(false);
        return OllamaChatMapper.ToResponse(answer, NewResponseId());
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = OllamaChatMapper.ToRequest(messages, options, ModelOf(options), stream: true, _client.Options.KeepAlive);
        var state = new OllamaChatMapper.StreamState(NewResponseId());
        await foreach (var chunk in _client.StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
            yield return OllamaChatMapper.ToUpdate(chunk, state);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(OllamaClient)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the <see cref="OllamaClient"/> is shared and disposed by its owner.</summary>
    public void Dispose()
    {
    }

    private string ModelOf(ChatOptions? options) => options?.ModelId ?? _defaultModel ?? throw new LlmConfigurationException(
        $"No model given for Ollama at {_client.BaseUrl}: set ChatOptions.ModelId or create the client with a default model (e.g. 'llama3.2:3b').",
        _client.Endpoint.Provider, _client.BaseUrl);

    private static string NewResponseId() => "ollama-" + Guid.NewGuid().ToString("N");
}
