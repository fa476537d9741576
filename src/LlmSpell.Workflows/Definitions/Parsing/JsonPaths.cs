using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>Builds the JSON paths that errors point at (<c>$.steps[1].name</c>, <c>$.workflows['sub-flow']</c>).</summary>
internal static partial class JsonPaths
{
    public const string Root = "$";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    public static string Property(string parent, string key) =>
        Identifier().IsMatch(key)
            ? $"{parent}.{key}"
            : $"{parent}['{key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The path and every path it lies inside (<c>$.a[1].b</c>, <c>$.a[1]</c>, <c>$.a</c>, <c>$</c>); a cut inside a quoted key gives no real path, which is harmless for lookups.</summary>
    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        yield return path;
        for (var i = path.Length - 1; i > 0; i--)
        {
            if (path[i] is '.' or '[') yield return path[..i];
        }
    }

    /// <summary>The last property name of a path (<c>$.config.timeout_ms</c> → <c>timeout_ms</c>).</summary>
    public static string LastKey(string path)
    {
        var dot = path.LastIndexOf('.');
        var name = dot < 0 ? path : path[(dot + 1)..];
        var bracket = name.IndexOf('[');
        return bracket < 0 ? name : name[..bracket];
    }

    /// <summary>The JSON type of a node as users know it: object, array, string, number, boolean or null.</summary>
    public static string KindOf(JsonNode? node) => node is null
        ? "null"
        : node.GetValueKind() switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        };
}
