using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.Schema;

public sealed partial class JsonSchema
{
    private static readonly (JsonSchemaType Type, string Name)[] TypeNames =
    [
        (JsonSchemaType.Object, "an object"), (JsonSchemaType.Array, "an array"), (JsonSchemaType.String, "a string"),
        (JsonSchemaType.Integer, "an integer"), (JsonSchemaType.Number, "a number"), (JsonSchemaType.Boolean, "a boolean"),
        (JsonSchemaType.Null, "null"),
    ];

    /// <summary>Every rule <paramref name="value"/> breaks (empty when valid); paths start at <paramref name="path"/>.</summary>
    public IReadOnlyList<SchemaViolation> Validate(JsonNode? value, string path = "$")
    {
        var violations = new List<SchemaViolation>();
        Validate(value, path, violations);
        return violations;
    }

    /// <summary>A copy of <paramref name="value"/> with the defaults of missing properties filled in, at every depth.</summary>
    /// <remarks>A missing root (null) of an object schema becomes an empty object first, so its defaults apply too.</remarks>
    public JsonNode? ApplyDefaults(JsonNode? value)
    {
        if (value is null && Types.HasFlag(JsonSchemaType.Object) && !Types.HasFlag(JsonSchemaType.Null)) value = new JsonObject();
        var copy = value?.DeepClone();
        Fill(copy);
        return copy;
    }

    private void Fill(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, schema) in Properties)
                {
                    if (!obj.ContainsKey(name))
                    {
                        if (schema.HasDefault) obj[name] = schema.Default?.DeepClone();
                    }
                    else
                    {
                        schema.Fill(obj[name]);
                    }
                }
                if (AdditionalProperties is { } extra)
                    foreach (var (name, child) in obj.ToArray())
                        if (!Properties.ContainsKey(name)) extra.Fill(child);
                break;
            case JsonArray array when Items is { } items:
                foreach (var item in array) items.Fill(item);
                break;
        }
    }

    private void Validate(JsonNode? value, string path, List<SchemaViolation> violations)
    {
        var kind = JsonValues.KindOf(value);
        if (Types != JsonSchemaType.None && !Matches(Types, value, kind))
        {
            violations.Add(new(path, "type", $"must be {ExpectedTypes()}, but is {Article(JsonValues.TypeName(value))} ({JsonValues.Show(value)})", value?.DeepClone()));
            return; // the other rules would only repeat the same mistake
        }

        if (Enum is { } options && !options.Any(o => JsonValues.DeepEquals(o, value)))
            violations.Add(new(path, "enum", $"must be one of {string.Join(", ", options.Select(o => JsonValues.Show(o)))}, but is {JsonValues.Show(value)}", value?.DeepClone()));
        if (HasConst && !JsonValues.DeepEquals(Const, value))
            violations.Add(new(path, "const", $"must be {JsonValues.Show(Const)}, but is {JsonValues.Show(value)}", value?.DeepClone()));

        switch (kind)
        {
            case JsonValueKind.Number:
                ValidateNumber(value!, path, violations);
                break;
            case JsonValueKind.String:
                ValidateString(value!.GetValue<string>(), value, path, violations);
                break;
            case JsonValueKind.Array:
                ValidateArray(value!.AsArray(), path, violations);
                break;
            case JsonValueKind.Object:
                ValidateObject(value!.AsObject(), path, violations);
                break;
        }
    }

    private void ValidateNumber(JsonNode value, string path, List<SchemaViolation> violations)
    {
        var n = JsonValues.ToDouble(value);
        if (Minimum is { } min && n < min) Add("minimum", $"must be >= {Show(min)}, but is {value.ToJsonString()}");
        if (Maximum is { } max && n > max) Add("maximum", $"must be <= {Show(max)}, but is {value.ToJsonString()}");
        if (ExclusiveMinimum is { } emin && n <= emin) Add("exclusiveMinimum", $"must be > {Show(emin)}, but is {value.ToJsonString()}");
        if (ExclusiveMaximum is { } emax && n >= emax) Add("exclusiveMaximum", $"must be < {Show(emax)}, but is {value.ToJsonString()}");

        void Add(string rule, string message) => violations.Add(new(path, rule, message, value.DeepClone()));
    }

    private void ValidateString(string text, JsonNode? value, string path, List<SchemaViolation> violations)
    {
        // JSON Schema counts characters as code points, so a surrogate pair is one.
        var length = text.Length - text.Count(char.IsLowSurrogate);
        if (MinLength is { } min && length < min)
            violations.Add(new(path, "minLength", $"must be at least {min} character{Plural(min)} long, but is {length}", value?.DeepClone()));
        if (MaxLength is { } max && length > max)
            violations.Add(new(path, "maxLength", $"must be at most {max} character{Plural(max)} long, but is {length}", value?.DeepClone()));
        if (Pattern is { } pattern)
        {
            bool matched;
            try
            {
                matched = pattern.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                violations.Add(new(path, "pattern", $"could not be checked against the pattern {pattern} in time", value?.DeepClone()));
                return;
            }
            if (!matched) violations.Add(new(path, "pattern", $"must match the pattern {pattern}, but is {JsonValues.Show(value)}", value?.DeepClone()));
        }
    }

    private void ValidateArray(JsonArray array, string path, List<SchemaViolation> violations)
    {
        if (MinItems is { } min && array.Count < min)
            violations.Add(new(path, "minItems", $"must have at least {min} item{Plural(min)}, but has {array.Count}", array.DeepClone()));
        if (MaxItems is { } max && array.Count > max)
            violations.Add(new(path, "maxItems", $"must have at most {max} item{Plural(max)}, but has {array.Count}", array.DeepClone()));
        if (Items is { } items)
            for (var i = 0; i < array.Count; i++) items.Validate(array[i], JsonValues.ItemPath(path, i), violations);
    }

    private void ValidateObject(JsonObject obj, string path, List<SchemaViolation> violations)
    {
        foreach (var name in Required)
            if (!obj.ContainsKey(name))
                violations.Add(new(JsonValues.PropertyPath(path, name), "required", "is required but missing", null));

        foreach (var (name, child) in obj)
        {
            var childPath = JsonValues.PropertyPath(path, name);
            if (Properties.TryGetValue(name, out var schema)) schema.Validate(child, childPath, violations);
            else if (AdditionalProperties is { } extra) extra.Validate(child, childPath, violations);
            else if (!AdditionalPropertiesAllowed)
                violations.Add(new(childPath, "additionalProperties",
                    $"is not a known parameter; known: {(Properties.Count == 0 ? "none" : string.Join(", ", Properties.Keys))}", child?.DeepClone()));
        }
    }

    private static bool Matches(JsonSchemaType types, JsonNode? value, JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => types.HasFlag(JsonSchemaType.Object),
        JsonValueKind.Array => types.HasFlag(JsonSchemaType.Array),
        JsonValueKind.String => types.HasFlag(JsonSchemaType.String),
        JsonValueKind.Number => types.HasFlag(JsonSchemaType.Number) || (types.HasFlag(JsonSchemaType.Integer) && JsonValues.IsInteger(value!)),
        JsonValueKind.True or JsonValueKind.False => types.HasFlag(JsonSchemaType.Boolean),
        _ => types.HasFlag(JsonSchemaType.Null),
    };

    private string ExpectedTypes()
    {
        var names = TypeNames.Where(t => Types.HasFlag(t.Type)).Select(t => t.Name).ToArray();
        return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    private static string Article(string typeName) => typeName switch
    {
        "null" => "null",
        "object" or "array" or "integer" => "an " + typeName,
        _ => "a " + typeName,
    };

    private static string Show(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string Plural(int n) => n == 1 ? "" : "s";
}
