using System.Text.Json.Nodes;

namespace LlmSpell.Templates.Parameters;

/// <summary>One parameter a template accepts: its name, type, default and constraints.</summary>
public sealed record TemplateParameter
{
    public required string Name { get; init; }
    public required TemplateParameterType Type { get; init; }
    public required string Description { get; init; }
    public bool Required { get; init; }

    /// <summary>The value when the parameter is not given (null: none).</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Integer and number parameters: the smallest and largest allowed value.</summary>
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }

    /// <summary>Enum parameters: the values accepted (matched ignoring case).</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>Further constraints a template checks itself, shown in the schema (e.g. an object's required keys).</summary>
    public JsonObject? OtherConstraints { get; init; }

    /// <summary>The type, default and constraints in one line, as help text shows them.</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            if (Required) parts.Add("required");
            else if (Default is not null) parts.Add("default " + Default.ToJsonString());
            if (Minimum is not null || Maximum is not null) parts.Add($"range {Format(Minimum)}–{Format(Maximum)}");
            if (AllowedValues.Count > 0) parts.Add("one of: " + string.Join(", ", AllowedValues));
            return string.Join("; ", parts);
        }
    }

    private static string Format(double? value) => value is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["type"] = TemplateParameterTypeNames.Of(Type),
            ["required"] = Required,
            ["description"] = Description,
        };
        if (Default is not null) json["default"] = Default.DeepClone();
        var constraints = new JsonObject();
        if (Minimum is { } min) constraints["min"] = Number(min);
        if (Maximum is { } max) constraints["max"] = Number(max);
        if (OtherConstraints is not null)
        {
            foreach (var (key, value) in OtherConstraints) constraints[key] = value?.DeepClone();
        }
        if (constraints.Count > 0) json["constraints"] = constraints;
        if (AllowedValues.Count > 0) json["allowed_values"] = new JsonArray(AllowedValues.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        return json;
    }

    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);
}
