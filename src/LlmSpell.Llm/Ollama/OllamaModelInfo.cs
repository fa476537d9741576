using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>What <c>/api/show</c> tells about a model.</summary>
public sealed record OllamaModelInfo
{
    [JsonPropertyName("modelfile")] public string? Modelfile { get; init; }
    [JsonPropertyName("parameters")] public string? Parameters { get; init; }
    [JsonPropertyName("template")] public string? Template { get; init; }
    [JsonPropertyName("system")] public string? System { get; init; }
    [JsonPropertyName("license")] public string? License { get; init; }
    [JsonPropertyName("details")] public OllamaModelDetails? Details { get; init; }

    /// <summary>Architecture facts such as <c>llama.context_length</c>.</summary>
    [JsonPropertyName("model_info")] public JsonObject? ModelInfo { get; init; }

    /// <summary>e.g. <c>completion</c>, <c>tools</c>, <c>embedding</c>, <c>vision</c> (newer servers).</summary>
    [JsonPropertyName("capabilities")] public IReadOnlyList<string>? Capabilities { get; init; }

    [JsonPropertyName("modified_at")] public string? ModifiedAt { get; init; }
}
