using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions;

/// <summary>A routing or loop condition: data conditions evaluated by the coordinator, or classification by an agent.</summary>
public abstract record Condition
{
    /// <summary>Human-readable form, used in graphs and messages.</summary>
    public abstract string Describe();
}

public sealed record AlwaysCondition : Condition
{
    public static readonly AlwaysCondition Instance = new();
    public override string Describe() => "always";
}

public sealed record NeverCondition : Condition
{
    public static readonly NeverCondition Instance = new();
    public override string Describe() => "never";
}

/// <summary>Comparison operators of <see cref="CompareCondition"/>.</summary>
public enum CompareOperator
{
    Equals,
    NotEquals,
    Contains,
    Matches,
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}

/// <summary>Compares the value at <see cref="Path"/> (e.g. <c>steps.score.output.value</c>) with <see cref="Value"/>.</summary>
public sealed record CompareCondition(CompareOperator Operator, DataPath Path, JsonNode? Value) : Condition
{
    public override string Describe() => $"{Path} {Symbol} {Value?.ToJsonString(Readable) ?? "null"}";

    // Descriptions are read by people (graphs, messages): "<" and "é" as themselves, not \u003C.
    private static readonly System.Text.Json.JsonSerializerOptions Readable =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private string Symbol => Operator switch
    {
        CompareOperator.Equals => "==",
        CompareOperator.NotEquals => "!=",
        CompareOperator.Contains => "contains",
        CompareOperator.Matches => "matches",
        CompareOperator.GreaterThan => ">",
        CompareOperator.GreaterOrEqual => ">=",
        CompareOperator.LessThan => "<",
        _ => "<=",
    };
}

/// <summary>True when <see cref="Path"/> resolves to a non-null value.</summary>
public sealed record ExistsCondition(DataPath Path) : Condition
{
    public override string Describe() => $"exists {Path}";
}

public sealed record AndCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override string Describe() => "(" + string.Join(" and ", Conditions.Select(c => c.Describe())) + ")";
}

public sealed record OrCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override string Describe() => "(" + string.Join(" or ", Conditions.Select(c => c.Describe())) + ")";
}

public sealed record NotCondition(Condition Inner) : Condition
{
    public override string Describe() => $"not {Inner.Describe()}";
}

/// <summary>
/// Asks an agent to choose one of the branch labels for <see cref="Input"/>; the branch whose name
/// (or <see cref="Label"/>) the agent answers is taken.
/// </summary>
public sealed record ClassifyCondition : Condition
{
    /// <summary>The label this branch stands for; null: the branch name.</summary>
    public string? Label { get; init; }

    /// <summary>The text to classify (a template); null: the workflow input.</summary>
    public string? Input { get; init; }

    public string? Model { get; init; }
    public string? AgentId { get; init; }

    /// <summary>Extra instructions for the classifier.</summary>
    public string? Instructions { get; init; }

    public override string Describe() => $"classify as {Label ?? "branch"}";
}
