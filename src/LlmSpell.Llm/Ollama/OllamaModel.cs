using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>An installed model, as <c>/api/tags</c> lists it.</summary>
public sealed record OllamaModel
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("modified_at")] public string? ModifiedAt { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("digest")] public string? Digest { get; init; }
    [JsonPropertyName("details")] public OllamaModelDetails? Details { get; init; }
}
