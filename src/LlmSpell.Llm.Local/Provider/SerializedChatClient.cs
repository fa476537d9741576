using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Provider;

/// <summary>Lets one request at a time through to the inner client (an in-process model: the CPU is the limit).</summary>
internal sealed class SerializedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                yield return update;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The gate stays: the client is shared for the provider's lifetime.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
