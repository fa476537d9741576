using System.Text.Json;
using System.Text.Json.Nodes;
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

/// <summary>The vectors <c>/api/embed</c> returned, one per input, and the tokens it read.</summary>
public sealed record OllamaEmbeddings(string Model, IReadOnlyList<float[]> Vectors, long? PromptEvalCount);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaChatChunk))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbedResponse))]
[JsonSerializable(typeof(OllamaModelRequest))]
[JsonSerializable(typeof(OllamaTagsResponse))]
[JsonSerializable(typeof(OllamaVersionResponse))]
[JsonSerializable(typeof(OllamaModelInfo))]
[JsonSerializable(typeof(OllamaPullProgress))]
[JsonSerializable(typeof(OllamaGenerateRequest))]
[JsonSerializable(typeof(OllamaGenerateResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class OllamaJson : JsonSerializerContext;
