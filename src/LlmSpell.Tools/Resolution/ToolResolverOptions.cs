namespace LlmSpell.Tools.Resolution;

/// <summary>How <see cref="ToolResolver"/> asks a model to choose a tool. Immutable; every default lives here.</summary>
public sealed record ToolResolverOptions
{
    public const string DefaultInstructions =
        "You choose the one tool that carries out a step of a workflow, and fill in its arguments. "
        + "Call exactly one of the tools offered, with arguments that satisfy its parameter schema. Do not answer in prose.";

    public static ToolResolverOptions Default { get; } = new();

    /// <summary>False: a step that names no tool fails instead of asking a model.</summary>
    public bool AllowDynamic { get; init; } = true;

    /// <summary>The system message of the choosing request.</summary>
    public string Instructions { get; init; } = DefaultInstructions;

    /// <summary>The model id passed in <c>ChatOptions.ModelId</c>; null: the client's default.</summary>
    public string? ModelId { get; init; }

    /// <summary>Low by default: choosing a tool is not a creative task.</summary>
    public float? Temperature { get; init; } = 0f;

    public ToolResolverOptions WithAllowDynamic(bool allow) => this with { AllowDynamic = allow };

    public ToolResolverOptions WithInstructions(string instructions) =>
        this with { Instructions = string.IsNullOrWhiteSpace(instructions) ? throw new ArgumentException("Instructions must not be empty.", nameof(instructions)) : instructions };

    public ToolResolverOptions WithModelId(string? modelId) => this with { ModelId = modelId };

    public ToolResolverOptions WithTemperature(float? temperature) => this with { Temperature = temperature };
}
