using System.Globalization;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.Schema;

/// <summary>Small helpers over <see cref="JsonNode"/> values: kinds, numbers and short renderings for messages.</summary>
public static class JsonValues
{
    /// <summary>Compact JSON without HTML escaping ('+' stays '+'): for messages, prompts and text, not for HTML.</summary>
    public static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A node as compact JSON, readable (see <see cref="Readable"/>); "null" for a missing node.</summary>
    public static string ToText(JsonNode? node) => node is null ? "null" : node.ToJsonString(Readable);

    /// <summary>The JSON kind of a node; a missing node (C# null) is JSON null.</summary>
    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    /// <summary>The name of a node's type as JSON Schema says it ("integer" for whole numbers).</summary>
    public static string TypeName(JsonNode? node) => KindOf(node) switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(node!) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>The number a numeric node holds (whatever CLR type backs it).</summary>
    public static double ToDouble(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d)
            ? d
            : double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>True when a numeric node has no fractional part.</summary>
    public static bool IsInteger(JsonNode node)
    {
        if (KindOf(node) != JsonValueKind.Number) return false;
        var text = node.ToJsonString();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)) return decimal.Truncate(m) == m;
        var d = ToDouble(node);
        return double.IsFinite(d) && Math.Floor(d) == d;
    }

    /// <summary>A number as a JSON value: whole numbers in the long range become integers, others doubles.</summary>
    public static JsonValue Number(double value) =>
        Math.Floor(value) == value && Math.Abs(value) < 9.007199254740992E15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>A short rendering of a value for an error message (JSON, cut at <paramref name="max"/> characters).</summary>
    public static string Show(JsonNode? node, int max = 60)
    {
        var text = ToText(node);
        return text.Length <= max ? text : text[..max] + "…";
    }

    /// <summary>Structural equality (numbers compare by value, 1 equals 1.0).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var ka = KindOf(a);
        var kb = KindOf(b);
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            var sa = a!.ToJsonString();
            var sb = b!.ToJsonString();
            if (decimal.TryParse(sa, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
                && decimal.TryParse(sb, NumberStyles.Float, CultureInfo.InvariantCulture, out var db)) return da == db;
            return ToDouble(a) == ToDouble(b);
        }
        if (ka != kb) return false;
        switch (ka)
        {
            case JsonValueKind.Object:
                var oa = a!.AsObject();
                var ob = b!.AsObject();
                return oa.Count == ob.Count && oa.All(p => ob.TryGetPropertyValue(p.Key, out var other) && DeepEquals(p.Value, other));
            case JsonValueKind.Array:
                var aa = a!.AsArray();
                var ab = b!.AsArray();
                return aa.Count == ab.Count && aa.Zip(ab).All(p => DeepEquals(p.First, p.Second));
            case JsonValueKind.String:
                return a!.GetValue<string>() == b!.GetValue<string>();
            default:
                return true; // true/true, false/false, null/null
        }
    }

    /// <summary>The path of a child property, in the form <see cref="SchemaViolation.Path"/> uses.</summary>
    public static string PropertyPath(string parent, string name)
    {
        var simple = name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-') && !char.IsDigit(name[0]);
        var child = simple ? name : $"['{name.Replace("\\", "\\\\").Replace("'", "\\'")}']";
        if (parent == "$") return simple ? child : "$" + child;
        return simple ? $"{parent}.{child}" : parent + child;
    }

    /// <summary>The path of an array item.</summary>
    public static string ItemPath(string parent, int index) => $"{parent}[{index}]";
}
