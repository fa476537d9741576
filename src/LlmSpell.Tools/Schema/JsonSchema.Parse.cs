using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.Schema;

public sealed partial class JsonSchema
{
    private static readonly FrozenSet<string> Assertions = new[]
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "items", "minItems", "maxItems", "default",
    }.ToFrozenSet();

    // Annotations change nothing about validity, so they are accepted and ignored.
    private static readonly FrozenSet<string> Annotations = new[]
    {
        "$schema", "$id", "$comment", "title", "description", "examples", "format", "readOnly", "writeOnly", "deprecated",
    }.ToFrozenSet();

    /// <summary>Compiles a schema; throws <see cref="JsonSchemaException"/> naming where a malformed or unsupported part is.</summary>
    public static JsonSchema Parse(JsonObject schema) => Parse(schema, "#");

    private static JsonSchema Parse(JsonObject schema, string at)
    {
        foreach (var (key, _) in schema)
        {
            if (!Assertions.Contains(key) && !Annotations.Contains(key))
                throw new JsonSchemaException(at, $"the keyword '{key}' is not supported by this validator; "
                    + $"supported: {string.Join(", ", Assertions)} (and the annotations {string.Join(", ", Annotations)}).");
        }

        var properties = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        if (schema["properties"] is { } props)
        {
            if (props is not JsonObject propsObject) throw new JsonSchemaException($"{at}/properties", "must be an object of schemas.");
            foreach (var (name, sub) in propsObject)
                properties[name] = ParseSub(sub, $"{at}/properties/{name}");
        }

        var required = new List<string>();
        if (schema["required"] is { } req)
        {
            if (req is not JsonArray reqArray || reqArray.Any(r => JsonValues.KindOf(r) != JsonValueKind.String))
                throw new JsonSchemaException($"{at}/required", "must be an array of property names.");
            required.AddRange(reqArray.Select(r => r!.GetValue<string>()));
        }

        var additionalAllowed = true;
        JsonSchema? additional = null;
        switch (schema["additionalProperties"])
        {
            case null:
                break;
            case JsonObject addObject:
                additional = Parse(addObject, $"{at}/additionalProperties");
                break;
            case JsonValue addValue when addValue.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                additionalAllowed = addValue.GetValue<bool>();
                break;
            default:
                throw new JsonSchemaException($"{at}/additionalProperties", "must be true, false or a schema.");
        }

        IReadOnlyList<JsonNode?>? enumValues = null;
        if (schema.TryGetPropertyValue("enum", out var en))
        {
            if (en is not JsonArray enArray || enArray.Count == 0) throw new JsonSchemaException($"{at}/enum", "must be a non-empty array.");
            enumValues = enArray.Select(e => e?.DeepClone()).ToArray();
        }

        var pattern = schema["pattern"] is { } p ? CompilePattern(p, $"{at}/pattern") : null;

        var parsed = new JsonSchema
        {
            Types = ParseTypes(schema["type"], $"{at}/type"),
            Properties = properties,
            Required = required,
            AdditionalPropertiesAllowed = additionalAllowed,
            AdditionalProperties = additional,
            Enum = enumValues,
            HasConst = schema.ContainsKey("const"),
            Const = schema["const"]?.DeepClone(),
            Minimum = Number(schema, "minimum", at),
            Maximum = Number(schema, "maximum", at),
            ExclusiveMinimum = Number(schema, "exclusiveMinimum", at),
            ExclusiveMaximum = Number(schema, "exclusiveMaximum", at),
            MinLength = Count(schema, "minLength", at),
            MaxLength = Count(schema, "maxLength", at),
            Pattern = pattern,
            Items = schema["items"] is { } items ? ParseSub(items, $"{at}/items") : null,
            MinItems = Count(schema, "minItems", at),
            MaxItems = Count(schema, "maxItems", at),
            HasDefault = schema.ContainsKey("default"),
            Default = schema["default"]?.DeepClone(),
            Description = schema["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null,
        };

        // A default that breaks its own schema would turn every call without the parameter into an error.
        if (parsed.HasDefault && parsed.Validate(parsed.Default) is [var bad, ..])
            throw new JsonSchemaException($"{at}/default", $"the default {JsonValues.Show(parsed.Default)} is not valid for its own schema: {bad.Message}.");
        return parsed;
    }

    private static JsonSchema ParseSub(JsonNode? node, string at) => node switch
    {
        JsonObject o => Parse(o, at),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => Any,
        _ => throw new JsonSchemaException(at, "must be a schema (an object)."),
    };

    private static JsonSchemaType ParseTypes(JsonNode? node, string at)
    {
        if (node is null) return JsonSchemaType.None;
        var names = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonArray a when a.All(x => JsonValues.KindOf(x) == JsonValueKind.String) => a.Select(x => x!.GetValue<string>()).ToArray(),
            _ => throw new JsonSchemaException(at, "must be a type name or an array of type names."),
        };
        var types = JsonSchemaType.None;
        foreach (var name in names)
        {
            types |= name switch
            {
                "null" => JsonSchemaType.Null,
                "boolean" => JsonSchemaType.Boolean,
                "object" => JsonSchemaType.Object,
                "array" => JsonSchemaType.Array,
                "number" => JsonSchemaType.Number,
                "string" => JsonSchemaType.String,
                "integer" => JsonSchemaType.Integer,
                _ => throw new JsonSchemaException(at, $"'{name}' is not a JSON type; use null, boolean, object, array, number, string or integer."),
            };
        }
        return types;
    }

    private static double? Number(JsonObject schema, string key, string at)
    {
        if (schema[key] is not { } node) return null;
        if (JsonValues.KindOf(node) != JsonValueKind.Number) throw new JsonSchemaException($"{at}/{key}", "must be a number.");
        return JsonValues.ToDouble(node);
    }

    private static int? Count(JsonObject schema, string key, string at)
    {
        if (schema[key] is not { } node) return null;
        if (!JsonValues.IsInteger(node) || JsonValues.ToDouble(node) is < 0 or > int.MaxValue)
            throw new JsonSchemaException($"{at}/{key}", "must be a non-negative integer.");
        return (int)JsonValues.ToDouble(node);
    }

    private static Regex CompilePattern(JsonNode node, string at)
    {
        if (JsonValues.KindOf(node) != JsonValueKind.String) throw new JsonSchemaException(at, "must be a regular expression string.");
        try
        {
            return new Regex(node.GetValue<string>(), RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new JsonSchemaException(at, $"is not a valid regular expression: {ex.Message}");
        }
    }
}
