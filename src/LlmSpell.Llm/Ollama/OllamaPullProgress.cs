using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>One status line of <c>/api/pull</c>; <see cref="Completed"/>/<see cref="Total"/> are bytes of the layer <see cref="Digest"/>.</summary>
public sealed record OllamaPullProgress
{
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("digest")] public string? Digest { get; init; }
    [JsonPropertyName("total")] public long? Total { get; init; }
    [JsonPropertyName("completed")] public long? Completed { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }

    /// <summary>Completed/Total, when both are known.</summary>
    [JsonIgnore] public double? Fraction => Total is > 0 && Completed is { } done ? (double)done / Total.Value : null;

    [JsonIgnore] public bool IsSuccess => Status == "success";
}
