using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Data;

/// <summary>
/// <c>{{…}}</c> templates over a <see cref="RunScope"/>. In text, a value renders as itself when it is
/// a string and as compact JSON otherwise. In JSON parameters, a string that is exactly one reference
/// becomes that value (object, number…); other strings are rendered as text.
/// </summary>
public static class Template
{
    /// <summary>The references a template contains, or a parse error for each malformed one.</summary>
    public static IEnumerable<(DataPath? Path, string? Error)> References(string template)
    {
        for (var at = 0; TemplateScanner.Next(template, at) is { } r; at = r.End)
        {
            DataPath.TryParse(r.Reference(template), out var path, out var error);
            yield return (path, error);
        }
    }

    /// <summary>The references in every string of a JSON template.</summary>
    public static IEnumerable<(DataPath? Path, string? Error)> References(JsonNode? template) => template switch
    {
        JsonObject obj => obj.SelectMany(p => References(p.Value)),
        JsonArray array => array.SelectMany(References),
        JsonValue v when v.TryGetValue<string>(out var s) => References(s),
        _ => [],
    };

    public static bool HasReferences(string template) => TemplateScanner.Next(template, 0) is not null;

    /// <summary>Renders a text template, in time linear in its length.</summary>
    public static string Render(string template, RunScope scope)
    {
        var first = TemplateScanner.Next(template, 0);
        if (first is null) return template;
        var text = new StringBuilder(template.Length);
        // The scope does not change during one rendering: a reference used again renders as before.
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        var copied = 0;
        for (var r = first; r is { } m; r = TemplateScanner.Next(template, m.End))
        {
            text.Append(template, copied, m.Start - copied);
            var reference = m.Reference(template);
            if (!rendered.TryGetValue(reference, out var value))
                rendered[reference] = value = ToText(scope.Resolve(DataPath.Parse(reference)));
            text.Append(value);
            copied = m.End;
        }
        return text.Append(template, copied, template.Length - copied).ToString();
    }

    /// <summary>Renders a JSON template (e.g. tool parameters) into a new node.</summary>
    public static JsonNode? Render(JsonNode? template, RunScope scope) => template switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Render(p.Value, scope)))),
        JsonArray array => new JsonArray(array.Select(e => Render(e, scope)).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => RenderString(s, scope),
        _ => template.DeepClone(),
    };

    private static JsonNode? RenderString(string s, RunScope scope)
    {
        if (TemplateScanner.Next(s, 0) is { Start: 0 } m && m.End == s.Length) return scope.Resolve(DataPath.Parse(m.Reference(s)));
        return JsonValue.Create(Render(s, scope));
    }

    /// <summary>A value as prompt text: strings as themselves, everything else as compact JSON.</summary>
    public static string ToText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(CompactJson),
    };

    private static readonly JsonSerializerOptions CompactJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = DefinitionLimits.MaxWrittenDepth,
    };

    /// <summary>Parses agent text as JSON when it is an object or array (so paths into it work), else keeps it as a string.</summary>
    public static JsonNode? OutputFromText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 1 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            try
            {
                return JsonNode.Parse(trimmed);
            }
            catch (JsonException)
            {
                // Not JSON after all: keep the text.
            }
        }
        return JsonValue.Create(text);
    }

}
