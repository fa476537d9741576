using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>A model's format, family, size and quantisation.</summary>
public sealed record OllamaModelDetails
{
    [JsonPropertyName("parent_model")] public string? ParentModel { get; init; }
    [JsonPropertyName("format")] public string? Format { get; init; }
    [JsonPropertyName("family")] public string? Family { get; init; }
    [JsonPropertyName("families")] public IReadOnlyList<string>? Families { get; init; }
    [JsonPropertyName("parameter_size")] public string? ParameterSize { get; init; }
    [JsonPropertyName("quantization_level")] public string? QuantizationLevel { get; init; }
}
