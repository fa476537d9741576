using System.Text.Json.Nodes;

namespace LlmSpell.TestServers;

/// <summary>A request a test server received: its line, headers, body, and whether the client went away before the answer ended.</summary>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        try
        {
            Json = body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            Json = null;
        }
    }

    public string Method { get; }
    public string Path { get; }

    /// <summary>Header name (lower case) → value.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string Body { get; }
    public JsonNode? Json { get; }

    public string? Model => Json?["model"]?.GetValue<string>();

    /// <summary>The last user message's text (chat), or the <c>prompt</c> (generate).</summary>
    public string? Prompt
    {
        get
        {
            if (Json?["prompt"] is JsonValue prompt) return prompt.GetValue<string>();
            if (Json?["messages"] is not JsonArray messages) return null;
            for (var i = messages.Count - 1; i >= 0; i--)
            {
                if (messages[i]?["role"]?.GetValue<string>() != "user") continue;
                return messages[i]!["content"] switch
                {
                    JsonValue text => text.GetValue<string>(),
                    JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
                    _ => null,
                };
            }
            return null;
        }
    }

    /// <summary>Completes when the client closed the connection before the answer ended.</summary>
    public Task Aborted => _aborted.Task;

    /// <summary>Completes when the server is done with the request, answered or aborted.</summary>
    public Task Finished => _finished.Task;

    public bool WasAborted => _aborted.Task.IsCompleted;

    internal void MarkAborted() => _aborted.TrySetResult();
    internal void MarkFinished() => _finished.TrySetResult();
}
