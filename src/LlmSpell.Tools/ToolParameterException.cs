using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools;

/// <summary>A tool's parameters broke a rule: names the parameter, the rule and the value (and every other violation).</summary>
public sealed class ToolParameterException : ToolException
{
    public ToolParameterException(string toolName, IReadOnlyList<SchemaViolation> violations, Exception? innerException = null)
        : base(toolName, Describe(toolName, violations), innerException)
    {
        if (violations.Count == 0) throw new ArgumentException("At least one violation is needed.", nameof(violations));
        Violations = violations;
    }

    /// <summary>One violation found by the tool itself (a value the schema cannot express, such as an expression's syntax).</summary>
    public ToolParameterException(string toolName, string parameterPath, string rule, JsonNode? value, string message, int? position = null, Exception? innerException = null)
        : this(toolName, [new SchemaViolation(parameterPath, rule, message, value?.DeepClone())], innerException) => Position = position;

    /// <summary>The first violation's parameter path (<c>url</c>, <c>headers.Accept</c>, <c>items[2]</c>; <c>$</c> for the whole object).</summary>
    public string ParameterPath => Violations[0].Path;

    /// <summary>The first violation's rule: a schema keyword (<c>required</c>, <c>type</c>, <c>enum</c>…) or a tool's own (<c>syntax</c>…).</summary>
    public string Rule => Violations[0].Rule;

    /// <summary>The offending value of the first violation (null when it is missing).</summary>
    public JsonNode? Value => Violations[0].Value;

    /// <summary>The 0-based character position inside the value, for syntax errors.</summary>
    public int? Position { get; }

    public IReadOnlyList<SchemaViolation> Violations { get; }

    private static string Describe(string toolName, IReadOnlyList<SchemaViolation> violations)
    {
        if (violations.Count == 0) return $"Tool '{toolName}': invalid parameters.";
        var first = violations[0];
        var text = $"Tool '{toolName}': parameter '{first.Path}' {first.Message} (rule: {first.Rule}).";
        if (violations.Count > 1)
            text += " Also: " + string.Join("; ", violations.Skip(1).Select(v => $"'{v.Path}' {v.Message} (rule: {v.Rule})")) + ".";
        return text + " Fix the step's parameters; the tool's parameter schema lists what it accepts.";
    }
}
