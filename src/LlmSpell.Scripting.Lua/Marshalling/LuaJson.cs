using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Scripting.Lua.Hosting;
using NLua;

namespace LlmSpell.Scripting.Lua.Marshalling;

/// <summary>
/// Lua values ↔ JSON, without loss: integers stay integers and floats floats (1.0 is written "1.0"); a table whose keys
/// are exactly 1..n is an array, one with string keys an object; an empty table is an object unless marked as an
/// array (Json.decode marks its arrays; <c>Json.array{}</c> marks one); <c>Json.null</c> is JSON null inside arrays.
/// What JSON cannot hold (functions, holes in arrays, NaN) is an error naming where it is.
/// </summary>
public sealed class LuaJson
{
    private readonly LuaRun _run;

    internal LuaJson(LuaRun run) => _run = run;

    /// <summary>A Lua value as JSON; <paramref name="path"/> names it in errors (e.g. <c>params.workflow_config</c>).</summary>
    public JsonNode? ToJson(object? value, string path = "value") => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        double d when !double.IsFinite(d) => throw new InvalidOperationException($"{path} is {d.ToString(CultureInfo.InvariantCulture)}, which JSON cannot represent"),
        // Keep a float a float: 1.0 must not come back as the integer 1.
        double d when Math.Floor(d) == d && Math.Abs(d) < 1e15 => JsonNode.Parse(d.ToString("0.0", CultureInfo.InvariantCulture)),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        LuaTable t when _run.IsNull(t) => null,
        LuaTable t => TableToJson(t, path),
        LuaFunction => throw new InvalidOperationException($"{path} is a function, which JSON cannot represent"),
        _ => throw new InvalidOperationException($"{path} is a {value.GetType().Name}, which JSON cannot represent"),
    };

    private JsonNode TableToJson(LuaTable table, string path)
    {
        // Raw enumeration only: no __index or __pairs of the script runs while .NET reads the table.
        var entries = new List<KeyValuePair<object, object?>>();
        foreach (KeyValuePair<object, object> e in table) entries.Add(new(e.Key, e.Value));
        var marked = _run.IsMarkedArray(table);
        if (entries.Count == 0) return marked ? new JsonArray() : new JsonObject();
        if (entries.All(e => e.Key is long))
        {
            var byIndex = entries.ToDictionary(e => (long)e.Key, e => e.Value);
            var max = byIndex.Keys.Max();
            // Dense enough to be meant as an array: report holes rather than silently turning it into an object.
            if (byIndex.Keys.Min() >= 1 && (marked || max <= entries.Count * 2L + 16))
            {
                var array = new JsonArray();
                for (long i = 1; i <= max; i++)
                {
                    if (!byIndex.TryGetValue(i, out var item))
                        throw new InvalidOperationException(
                            $"{path}[{i}] is nil: an array cannot have holes (its keys run 1..{max}); use Json.null for a JSON null in an array");
                    array.Add(ToJson(item, $"{path}[{i}]"));
                }
                return array;
            }
        }
        if (marked) throw new InvalidOperationException($"{path} is marked as an array but has keys that are not 1..n");
        var obj = new JsonObject();
        foreach (var (key, item) in entries.OrderBy(e => e.Key is long ? 0 : 1).ThenBy(e => e.Key is long l ? l : 0).ThenBy(e => e.Key as string, StringComparer.Ordinal))
        {
            var name = key switch
            {
                string s => s,
                long l => l.ToString(CultureInfo.InvariantCulture),
                _ => throw new InvalidOperationException($"{path} has a {LuaTypeName(key)} key, which a JSON object cannot have (keys must be strings)"),
            };
            obj[name] = ToJson(item, key is string ? $"{path}.{name}" : $"{path}[{name}]");
        }
        return obj;
    }

    private static string LuaTypeName(object value) => value switch
    {
        double => "float",
        bool => "boolean",
        LuaTable => "table",
        LuaFunction => "function",
        _ => value.GetType().Name,
    };

    /// <summary>A JSON node as a Lua value: objects and arrays (marked) become tables, null nil (Json.null inside arrays).</summary>
    public object? ToLua(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
            {
                var t = _run.NewTable();
                foreach (var (k, v) in o)
                    if (v is not null) t[k] = ToLua(v);
                return t;
            }
            case JsonArray a:
            {
                var t = _run.NewArray();
                for (var i = 0; i < a.Count; i++) t[(long)(i + 1)] = a[i] is null ? _run.Null : ToLua(a[i]);
                return t;
            }
            case JsonValue v:
                return Scalar(v);
            default:
                return null;
        }
    }

    private static object? Scalar(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) return Element(element);
        if (value.TryGetValue<string>(out var s)) return s;
        if (value.TryGetValue<bool>(out var b)) return b;
        if (value.TryGetValue<long>(out var l)) return l;
        if (value.TryGetValue<int>(out var i)) return (long)i;
        if (value.TryGetValue<double>(out var d)) return d;
        if (value.TryGetValue<decimal>(out var m)) return m == decimal.Truncate(m) && Math.Abs(m) <= long.MaxValue ? (long)m : (double)m;
        return Element(JsonSerializer.SerializeToElement(value));
    }

    private static object? Element(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when IsIntegerText(element.GetRawText()) && element.TryGetInt64(out var l) => l,
        JsonValueKind.Number => element.GetDouble(),
        _ => null,
    };

    private static bool IsIntegerText(string raw) => raw.IndexOfAny(['.', 'e', 'E']) < 0;

    /// <summary>JSON text of a Lua value.</summary>
    public string Encode(object? value, bool indented = false) =>
        ToJson(value)?.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }) ?? "null";

    /// <summary>A Lua value of JSON text; malformed JSON is an error with its line and position.</summary>
    public object? Decode(string text)
    {
        try
        {
            return ToLua(JsonNode.Parse(text));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Json.decode: invalid JSON: {e.Message}");
        }
    }
}
