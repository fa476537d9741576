using Microsoft.Extensions.AI;

namespace LlmSpell.Llm;

/// <summary>
/// An <see cref="IChatClient"/> created on first use, so that a client that may never be needed (e.g. a
/// model to choose tools) costs nothing — and fails nothing, like a missing local model — until it is.
/// </summary>
public sealed class LazyChatClient(Func<IChatClient> create) : IChatClient
{
    private readonly Lazy<IChatClient> _client = new(create);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _client.Value.GetResponseAsync(messages, options, cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        _client.Value.GetStreamingResponseAsync(messages, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : _client.IsValueCreated ? _client.Value.GetService(serviceType, serviceKey) : null;

    // The provider owns the clients it hands out; nothing of ours to release.
    public void Dispose() { }
}
