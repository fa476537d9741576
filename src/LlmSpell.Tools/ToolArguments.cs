using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools;

/// <summary>A tool's parameters after validation and defaults: typed reads, and errors that name the parameter.</summary>
public sealed class ToolArguments(string toolName, JsonObject values)
{
    public string ToolName { get; } = toolName;

    /// <summary>The validated parameters (defaults applied). Treat as read-only.</summary>
    public JsonObject Values { get; } = values;

    /// <summary>True when the parameter is present and not JSON null.</summary>
    public bool Has(string name) => Values[name] is not null;

    public JsonNode? Node(string name) => Values[name];

    public string String(string name) => OptionalString(name) ?? throw Missing(name);

    public string? OptionalString(string name) => Values[name] is { } n ? n.GetValue<string>() : null;

    public long Integer(string name) => OptionalInteger(name) ?? throw Missing(name);

    public long? OptionalInteger(string name) => Values[name] is { } n ? checked((long)JsonValues.ToDouble(n)) : null;

    public double Number(string name) => OptionalNumber(name) ?? throw Missing(name);

    public double? OptionalNumber(string name) => Values[name] is { } n ? JsonValues.ToDouble(n) : null;

    /// <summary>A boolean; false when absent (give the schema a default for another fallback).</summary>
    public bool Boolean(string name) => Values[name] is { } n && n.GetValueKind() == JsonValueKind.True;

    public JsonObject? Object(string name) => Values[name] as JsonObject;

    public JsonArray? Array(string name) => Values[name] as JsonArray;

    /// <summary>An error about one parameter's value, for rules the schema cannot express.</summary>
    public ToolParameterException Invalid(string name, string rule, string message, int? position = null, Exception? inner = null) =>
        new(ToolName, JsonValues.PropertyPath("$", name), rule, Values[name], message, position, inner);

    // Validation makes required parameters present; reaching this is a schema that forgot to require one.
    private ToolParameterException Missing(string name) =>
        new(ToolName, JsonValues.PropertyPath("$", name), "required", null, "is required but missing");
}
