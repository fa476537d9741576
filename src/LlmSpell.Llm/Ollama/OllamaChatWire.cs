using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

// The /api/chat wire format (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).

internal sealed class OllamaChatRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("messages")] public required List<OllamaMessage> Messages { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }

    /// <summary>"json" or a JSON schema.</summary>
    [JsonPropertyName("format")] public JsonNode? Format { get; init; }

    [JsonPropertyName("options")] public JsonObject? Options { get; init; }
    [JsonPropertyName("keep_alive")] public JsonNode? KeepAlive { get; init; }
    [JsonPropertyName("tools")] public List<OllamaTool>? Tools { get; init; }
    [JsonPropertyName("think")] public JsonNode? Think { get; init; }
}

internal sealed class OllamaMessage
{
    [JsonPropertyName("role")] public required string Role { get; init; }
    [JsonPropertyName("content")] public string? Content { get; init; }
    [JsonPropertyName("thinking")] public string? Thinking { get; init; }
    [JsonPropertyName("images")] public List<string>? Images { get; init; }
    [JsonPropertyName("tool_calls")] public List<OllamaToolCall>? ToolCalls { get; init; }

    /// <summary>On a <c>tool</c> message: the function whose result this is.</summary>
    [JsonPropertyName("tool_name")] public string? ToolName { get; init; }
}

internal sealed class OllamaToolCall
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("function")] public required OllamaFunctionCall Function { get; init; }
}

internal sealed class OllamaFunctionCall
{
    [JsonPropertyName("index")] public int? Index { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>An object (Ollama sends one; some servers send a JSON string).</summary>
    [JsonPropertyName("arguments")] public JsonElement Arguments { get; init; }
}

internal sealed class OllamaTool
{
    [JsonPropertyName("type")] public string Type { get; init; } = "function";
    [JsonPropertyName("function")] public required OllamaFunction Function { get; init; }
}

internal sealed class OllamaFunction
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("parameters")] public JsonElement Parameters { get; init; }
}

/// <summary>One NDJSON line of a streamed answer, or the whole answer when <c>stream:false</c>.</summary>
internal sealed class OllamaChatChunk
{
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }
    [JsonPropertyName("message")] public OllamaMessage? Message { get; init; }
    [JsonPropertyName("done")] public bool Done { get; init; }
    [JsonPropertyName("done_reason")] public string? DoneReason { get; init; }
    [JsonPropertyName("prompt_eval_count")] public long? PromptEvalCount { get; init; }
    [JsonPropertyName("eval_count")] public long? EvalCount { get; init; }
    [JsonPropertyName("total_duration")] public long? TotalDuration { get; init; }
    [JsonPropertyName("load_duration")] public long? LoadDuration { get; init; }
    [JsonPropertyName("prompt_eval_duration")] public long? PromptEvalDuration { get; init; }
    [JsonPropertyName("eval_duration")] public long? EvalDuration { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
}

internal sealed class OllamaEmbedRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("input")] public required List<string> Input { get; init; }
    [JsonPropertyName("truncate")] public bool? Truncate { get; init; }
    [JsonPropertyName("dimensions")] public int? Dimensions { get; init; }
    [JsonPropertyName("options")] public JsonObject? Options { get; init; }
    [JsonPropertyName("keep_alive")] public JsonNode? KeepAlive { get; init; }
}

internal sealed class OllamaEmbedResponse
{
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("embeddings")] public List<float[]>? Embeddings { get; init; }
    [JsonPropertyName("prompt_eval_count")] public long? PromptEvalCount { get; init; }
    [JsonPropertyName("total_duration")] public long? TotalDuration { get; init; }
}

internal sealed class OllamaModelRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("insecure")] public bool? Insecure { get; init; }
    [JsonPropertyName("stream")] public bool? Stream { get; init; }
    [JsonPropertyName("verbose")] public bool? Verbose { get; init; }
}

internal sealed class OllamaTagsResponse
{
    [JsonPropertyName("models")] public List<OllamaModel>? Models { get; init; }
}

internal sealed class OllamaVersionResponse
{
    [JsonPropertyName("version")] public string? Version { get; init; }
}
