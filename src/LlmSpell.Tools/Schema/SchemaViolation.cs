using System.Text.Json.Nodes;

namespace LlmSpell.Tools.Schema;

/// <summary>One rule a value broke: where (<c>items[2].name</c>), which rule (<c>minLength</c>), what is wrong, and the value.</summary>
/// <param name="Path">The value's path from the root: <c>$</c> for the root, else <c>name</c>, <c>a.b</c>, <c>list[0]</c>, <c>['odd key']</c>.</param>
/// <param name="Rule">The schema keyword (or a tool's own rule name) that failed.</param>
/// <param name="Message">What is wrong, phrased to follow the path ("must be a string, but is a number (42)").</param>
/// <param name="Value">The offending value; null when it is missing.</param>
public sealed record SchemaViolation(string Path, string Rule, string Message, JsonNode? Value)
{
    public override string ToString() => $"{Path}: {Message} (rule: {Rule})";
}
