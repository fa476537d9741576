using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmSpell.Llm.Ollama;

/// <summary>A raw completion request for <c>/api/generate</c> (no chat template applied when <see cref="Raw"/>).</summary>
public sealed record OllamaGenerateRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("prompt")] public string? Prompt { get; init; }
    [JsonPropertyName("suffix")] public string? Suffix { get; init; }
    [JsonPropertyName("system")] public string? System { get; init; }
    [JsonPropertyName("template")] public string? Template { get; init; }
    [JsonPropertyName("images")] public IReadOnlyList<string>? Images { get; init; }

    /// <summary>"json" or a JSON schema.</summary>
    [JsonPropertyName("format")] public JsonNode? Format { get; init; }

    /// <summary>Model parameters: temperature, num_ctx, seed, num_predict, …</summary>
    [JsonPropertyName("options")] public JsonObject? Options { get; init; }

    [JsonPropertyName("raw")] public bool? Raw { get; init; }
    [JsonPropertyName("keep_alive")] public JsonNode? KeepAlive { get; init; }
    [JsonPropertyName("think")] public JsonNode? Think { get; init; }

    /// <summary>Set by the client: false for <c>GenerateAsync</c>, true for <c>GenerateStreamingAsync</c>.</summary>
    [JsonPropertyName("stream")] public bool Stream { get; init; }
}
