using System.Text.Json.Nodes;

namespace LlmSpell.Templates.Parameters;

/// <summary>A template's parameter values after binding: every parameter present (defaults filled in), of its declared type.</summary>
public sealed class TemplateParameters
{
    private readonly IReadOnlyDictionary<string, JsonNode?> _values;
    private readonly IReadOnlySet<string> _given;

    public TemplateParameters(IReadOnlyDictionary<string, JsonNode?> values, IReadOnlySet<string> given)
    {
        _values = values;
        _given = given;
    }

    /// <summary>Whether the caller gave the parameter (rather than it taking its default).</summary>
    public bool IsGiven(string name) => _given.Contains(name);

    public JsonNode? this[string name] => _values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"The template has no parameter '{name}'.");

    public string GetString(string name) => this[name]?.GetValue<string>() ?? throw Missing(name);
    public long GetInteger(string name) => this[name]?.GetValue<long>() ?? throw Missing(name);
    public bool GetBoolean(string name) => this[name]?.GetValue<bool>() ?? throw Missing(name);
    public JsonObject GetObject(string name) => this[name] as JsonObject ?? throw Missing(name);

    /// <summary>The values as one object, for logs and reports.</summary>
    public JsonObject ToJson() => new(_values.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    private static InvalidOperationException Missing(string name) => new($"Parameter '{name}' has no value.");
}
