using System.Globalization;

namespace LlmSpell.Llm.Local.Gguf;

/// <summary>The key/value metadata of a GGUF file with typed accessors that say which key was missing or mistyped.</summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, object> _values;
    private readonly string _path;

    internal GgufMetadata(string path, Dictionary<string, object> values)
    {
        _path = path;
        _values = values;
    }

    /// <summary>The keys present.</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>The raw value: a boxed number, bool, string, or <see cref="GgufArray"/>.</summary>
    public bool TryGet(string key, out object value) => _values.TryGetValue(key, out value!);

    public bool Contains(string key) => _values.ContainsKey(key);

    public object this[string key] => _values.TryGetValue(key, out var v)
        ? v
        : throw new GgufFormatException(_path, $"metadata key '{key}' is missing", "Re-convert the model with a current llama.cpp convert script.");

    public string GetString(string key) => this[key] as string
        ?? throw Mistyped(key, "a string");

    public string? GetStringOrNull(string key) => _values.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>Any integer type, widened.</summary>
    public long GetInteger(string key) => TryInteger(this[key]) ?? throw Mistyped(key, "an integer");

    public long GetIntegerOr(string key, long fallback) =>
        _values.TryGetValue(key, out var v) ? TryInteger(v) ?? throw Mistyped(key, "an integer") : fallback;

    /// <summary>Any float or integer type, widened.</summary>
    public double GetFloatOr(string key, double fallback)
    {
        if (!_values.TryGetValue(key, out var v)) return fallback;
        return v switch
        {
            float f => f,
            double d => d,
            _ => TryInteger(v) ?? throw Mistyped(key, "a number"),
        };
    }

    public GgufArray GetArray(string key) => this[key] as GgufArray ?? throw Mistyped(key, "an array");

    private GgufFormatException Mistyped(string key, string expected) =>
        new(_path, $"metadata key '{key}' should be {expected} but is {Describe(_values[key])}", "Re-convert the model with a current llama.cpp convert script.");

    private static string Describe(object v) => v is GgufArray a ? $"an array of {a.ElementType}" : v.GetType().Name;

    internal static long? TryInteger(object v) => v switch
    {
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        short s => s,
        uint ui => ui,
        int i => i,
        ulong ul => ul <= long.MaxValue ? (long)ul : null,
        long l => l,
        _ => null,
    };

    public override string ToString() => string.Join(", ", _values.Keys.Order(StringComparer.Ordinal).Select(k => k.ToString(CultureInfo.InvariantCulture)));
}
