using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmSpell.Tools.Tests.Resolution;

/// <summary>An in-process chat client that answers with a scripted message and records what it was asked.</summary>
public sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatMessage> answer) : IChatClient
{
    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];

    /// <summary>A model that calls <paramref name="function"/> with <paramref name="arguments"/>.</summary>
    public static ScriptedChatClient Calls(string function, IDictionary<string, object?> arguments, string? text = null) =>
        new((_, _) => new ChatMessage(ChatRole.Assistant, [.. text is null ? [] : new AIContent[] { new TextContent(text) }, new FunctionCallContent("call-1", function, arguments)]));

    /// <summary>A model that only talks.</summary>
    public static ScriptedChatClient Says(string text) => new((_, _) => new ChatMessage(ChatRole.Assistant, text));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Requests.Add((list, options));
        return Task.FromResult(new ChatResponse(answer(list, options)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
