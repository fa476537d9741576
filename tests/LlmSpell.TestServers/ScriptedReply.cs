using System.Text.Json.Nodes;

namespace LlmSpell.TestServers;

/// <summary>
/// What a test server answers to one request: text chunks, tool calls and token counts, or a failure — an HTTP error,
/// a delay, a gate to wait for, a stall until the client goes away, a truncated or malformed stream.
/// </summary>
public sealed record ScriptedReply
{
    /// <summary>The answer's text, one streamed chunk per entry.</summary>
    public IReadOnlyList<string> Chunks { get; init; } = ["ok"];

    public IReadOnlyList<ScriptedToolCall> ToolCalls { get; init; } = [];

    /// <summary>Ollama's done_reason / OpenAI's finish_reason (tool calls make it "tool_calls" on OpenAI).</summary>
    public string DoneReason { get; init; } = "stop";

    public int PromptTokens { get; init; } = 12;

    /// <summary>Null: one per chunk.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>Reported model name; null: the requested one.</summary>
    public string? Model { get; init; }

    /// <summary>Not 200: answer with this status and an error body carrying <see cref="ErrorMessage"/>.</summary>
    public int StatusCode { get; init; } = 200;

    public string ErrorMessage { get; init; } = "scripted failure";

    /// <summary>Waited before anything is sent (ends early if the client goes away).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Waited between streamed chunks.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Awaited before anything is sent: a test's TaskCompletionSource releases the answer.</summary>
    public Task? Gate { get; init; }

    /// <summary>Send this many chunks, then never finish until the client closes the connection.</summary>
    public int? StallAfterChunks { get; init; }

    /// <summary>Send this many chunks, then end the body without the final line.</summary>
    public int? TruncateAfterChunks { get; init; }

    /// <summary>With <see cref="TruncateAfterChunks"/>: reset the connection instead of ending the body cleanly.</summary>
    public bool AbortConnection { get; init; }

    /// <summary>Send this many chunks, then a line that is not JSON, then the rest.</summary>
    public int? MalformedAfterChunks { get; init; }

    /// <summary>Send this many chunks, then an in-stream error line carrying <see cref="ErrorMessage"/>.</summary>
    public int? ErrorLineAfterChunks { get; init; }

    public int CompletionTokenCount => CompletionTokens ?? Chunks.Count;
    public string FullText => string.Concat(Chunks);

    /// <summary>An answer streamed word by word.</summary>
    public static ScriptedReply Text(string text)
    {
        var words = text.Split(' ');
        return new ScriptedReply { Chunks = words.Select((w, i) => i < words.Length - 1 ? w + " " : w).ToArray() };
    }

    public static ScriptedReply Error(int statusCode, string message) => new() { StatusCode = statusCode, ErrorMessage = message, Chunks = [] };

    public static ScriptedReply ToolCall(string name, JsonObject arguments, string? id = null) =>
        new() { Chunks = [], ToolCalls = [new ScriptedToolCall(name, arguments, id)] };

    public ScriptedReply WithUsage(int promptTokens, int completionTokens) => this with { PromptTokens = promptTokens, CompletionTokens = completionTokens };
    public ScriptedReply WithDoneReason(string reason) => this with { DoneReason = reason };
    public ScriptedReply WithModel(string model) => this with { Model = model };
    public ScriptedReply WithDelay(TimeSpan delay) => this with { Delay = delay };
    public ScriptedReply WithChunkDelay(TimeSpan delay) => this with { ChunkDelay = delay };
    public ScriptedReply WithGate(Task gate) => this with { Gate = gate };
    public ScriptedReply StallingAfter(int chunks) => this with { StallAfterChunks = chunks };
    public ScriptedReply TruncatedAfter(int chunks, bool abortConnection = false) => this with { TruncateAfterChunks = chunks, AbortConnection = abortConnection };
    public ScriptedReply MalformedAfter(int chunks) => this with { MalformedAfterChunks = chunks };
    public ScriptedReply ErrorLineAfter(int chunks, string message) => this with { ErrorLineAfterChunks = chunks, ErrorMessage = message };
}
