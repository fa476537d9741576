using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>A <c>/api/generate</c> answer, or one chunk of it when streaming.</summary>
public sealed record OllamaGenerateResponse
{
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }
    [JsonPropertyName("response")] public string Response { get; init; } = "";
    [JsonPropertyName("thinking")] public string? Thinking { get; init; }
    [JsonPropertyName("done")] public bool Done { get; init; }
    [JsonPropertyName("done_reason")] public string? DoneReason { get; init; }
    [JsonPropertyName("context")] public IReadOnlyList<long>? Context { get; init; }
    [JsonPropertyName("prompt_eval_count")] public long? PromptEvalCount { get; init; }
    [JsonPropertyName("eval_count")] public long? EvalCount { get; init; }
    [JsonPropertyName("total_duration")] public long? TotalDuration { get; init; }
    [JsonPropertyName("load_duration")] public long? LoadDuration { get; init; }
    [JsonPropertyName("prompt_eval_duration")] public long? PromptEvalDuration { get; init; }
    [JsonPropertyName("eval_duration")] public long? EvalDuration { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
}
