using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Typed reads of one JSON object's keys that report wrong types instead of throwing, and remember
/// which keys were read so that the rest can be reported as unknown. A JSON null counts as absent
/// (YAML's empty value is null too); keys where null means something read it with <see cref="Node"/>.
/// </summary>
internal sealed class JsonObjectReader(JsonObject obj, JsonPath path, ParseContext context)
{
    // The few keys a reader asks for, searched in order: a hash set per object cost more than the searches.
    private readonly List<string> _read = new(16);

    public JsonObject Object => obj;
    public JsonPath Path => path;
    public ParseContext Context => context;

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => obj.TryGetPropertyValue(key, out var value) && value is not null;

    /// <summary>True when the key is present, even with null.</summary>
    public bool Contains(string key) => obj.ContainsKey(key);

    public JsonPath PathOf(string key) => path.Property(key);

    /// <summary>The raw value (null when absent or null); marks the key as read.</summary>
    public JsonNode? Node(string key)
    {
        _read.Add(key);
        return obj.TryGetPropertyValue(key, out var value) ? value : null;
    }

    /// <summary>The raw value to keep in the definition (see <see cref="ParseContext.Keep"/>); marks the key as read.</summary>
    public JsonNode? Take(string key) => context.Keep(obj, key, Node(key));

    public string? String(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String) return node.GetValue<string>();
        context.Error(PathOf(key), $"{key} must be a string, got {Describe(node)}");
        return null;
    }

    public bool? Bool(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        var kind = node.GetValueKind();
        if (kind is JsonValueKind.True or JsonValueKind.False) return kind == JsonValueKind.True;
        context.Error(PathOf(key), $"{key} must be true or false, got {Describe(node)}");
        return null;
    }

    public double? Number(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (AsNumber(node) is { } number) return number;
        context.Error(PathOf(key), $"{key} must be a number, got {Describe(node)}");
        return null;
    }

    /// <summary>A whole number (3 and 3.0 both count).</summary>
    public long? Integer(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (AsNumber(node) is { } number && Math.Floor(number) == number)
        {
            // Beyond 2^53 a double no longer holds every whole number exactly.
            if (Math.Abs(number) < 9.0e15) return (long)number;
            context.Error(PathOf(key), $"{key} is too large: {node.ToJsonString()}");
            return null;
        }
        context.Error(PathOf(key), $"{key} must be a whole number, got {Describe(node)}");
        return null;
    }

    /// <summary>A whole number that fits an <see cref="int"/>.</summary>
    public int? Int(string key)
    {
        var value = Integer(key);
        if (value is null) return null;
        if (value is >= int.MinValue and <= int.MaxValue) return (int)value;
        context.Error(PathOf(key), $"{key} is too large: {value}");
        return null;
    }

    public JsonArray? Array(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is JsonArray array) return array;
        context.Error(PathOf(key), $"{key} must be an array, got {Describe(node)}");
        return null;
    }

    public JsonObject? ObjectValue(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is JsonObject value) return value;
        context.Error(PathOf(key), $"{key} must be an object, got {Describe(node)}");
        return null;
    }

    /// <summary>A duration given in seconds under <paramref name="secondsKey"/> or in milliseconds under <paramref name="msKey"/>.</summary>
    public (TimeSpan? Value, string? Key) Duration(string secondsKey, string msKey)
    {
        if (Has(secondsKey) && Has(msKey))
        {
            Node(msKey);
            context.Error(PathOf(msKey), $"both {secondsKey} and {msKey} are set; keep one");
            return (Seconds(secondsKey), secondsKey);
        }
        return Has(msKey) ? (Milliseconds(msKey), msKey) : (Seconds(secondsKey), Has(secondsKey) ? secondsKey : null);
    }

    public TimeSpan? Seconds(string key) => Number(key) is { } s ? ToTimeSpan(key, s * 1000) : null;

    public TimeSpan? Milliseconds(string key) => Number(key) is { } ms ? ToTimeSpan(key, ms) : null;

    private TimeSpan? ToTimeSpan(string key, double ms)
    {
        // About 31 years: beyond that TimeSpan overflows, and no run lasts that long.
        if (Math.Abs(ms) <= 1e12) return TimeSpan.FromMilliseconds(ms);
        context.Error(PathOf(key), $"{key} is too large");
        return null;
    }

    /// <summary>Reports the keys not read so far: as misplaced when <paramref name="misplaced"/> explains it, else as unknown unless in <paramref name="known"/>.</summary>
    public void ReportUnknownKeys(IReadOnlyCollection<string> known, Func<string, string?>? misplaced = null)
    {
        foreach (var (key, _) in obj)
        {
            if (_read.Contains(key)) continue;
            if (misplaced?.Invoke(key) is { } reason)
            {
                context.Error(PathOf(key), reason);
                continue;
            }
            // Known but not read: null, or not applicable after an error already reported.
            if (known.Contains(key)) continue;
            var hint = DidYouMean.Closest(key, known) is { } match
                ? $"did you mean '{match}'?"
                : $"known keys here: {string.Join(", ", known)}";
            context.Error(PathOf(key), $"unknown key '{key}'; {hint}");
        }
    }

    /// <summary>"string", or for numbers and booleans the value itself, which helps spot the mistake.</summary>
    public static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => $"string '{node.GetValue<string>()}'",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => $"{JsonPaths.KindOf(node)} {node.ToJsonString()}",
        _ => JsonPaths.KindOf(node),
    };

    // Numbers may be backed by a JsonElement (parsed JSON) or a CLR value (YAML, code): read their JSON text.
    public static double? AsNumber(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number
        && double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
