using System.Text.Json.Nodes;

namespace LlmSpell.Templates;

/// <summary>Whether a template run succeeded.</summary>
public enum TemplateStatus
{
    Ok,
    Failed,
}

/// <summary>The outcome of a template run, in the shape the CLI's <c>--output json</c> prints.</summary>
public sealed record TemplateResult
{
    public required TemplateStatus Status { get; init; }

    /// <summary>The main result: its type (<c>text</c>, <c>json</c>) and value.</summary>
    public required TemplateOutput Result { get; init; }

    public IReadOnlyList<TemplateArtifact> Artifacts { get; init; } = [];
    public required TemplateMetrics Metrics { get; init; }

    /// <summary>Why the run failed, when it did: what, where and what to do.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// <c>{"status", "result": {"type", "value"}, "artifacts", "metrics": {...}}</c>, plus <c>"error"</c> when the run failed.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["status"] = Status == TemplateStatus.Ok ? "ok" : "error",
            ["result"] = new JsonObject { ["type"] = Result.Type, ["value"] = Result.Value?.DeepClone() },
            ["artifacts"] = new JsonArray(Artifacts.Select(a => (JsonNode)a.ToJson()).ToArray()),
            ["metrics"] = Metrics.ToJson(),
        };
        if (Error is not null) json["error"] = Error;
        return json;
    }
}

/// <summary>A template's main result.</summary>
public sealed record TemplateOutput(string Type, JsonNode? Value)
{
    public static TemplateOutput Text(string text) => new("text", JsonValue.Create(text));

    /// <summary>The value as text (a text result as itself, anything else as JSON).</summary>
    public string AsText() => Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : Value?.ToJsonString() ?? "";
}

/// <summary>A file a template wrote.</summary>
public sealed record TemplateArtifact(string Path, string Content, string MimeType)
{
    public JsonObject ToJson() => new() { ["path"] = Path, ["content"] = Content, ["mime_type"] = MimeType };
}

/// <summary>What a run cost and did.</summary>
public sealed record TemplateMetrics
{
    public long DurationMs { get; init; }

    /// <summary>Null when nothing reported usage.</summary>
    public long? TokensUsed { get; init; }

    public decimal? CostUsd { get; init; }
    public int AgentsInvoked { get; init; }
    public int ToolsInvoked { get; init; }
    public int RagQueries { get; init; }

    /// <summary>Template-specific figures (the orchestrator's: steps_executed, execution_mode, workflow_steps).</summary>
    public JsonObject CustomMetrics { get; init; } = new();

    public JsonObject ToJson() => new()
    {
        ["duration_ms"] = DurationMs,
        ["tokens_used"] = TokensUsed,
        ["cost_usd"] = CostUsd,
        ["agents_invoked"] = AgentsInvoked,
        ["tools_invoked"] = ToolsInvoked,
        ["rag_queries"] = RagQueries,
        ["custom_metrics"] = CustomMetrics.DeepClone(),
    };
}
