using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>The text of the JSON paths that errors point at (<c>$.steps[1].name</c>, <c>$.workflows['sub-flow']</c>); <see cref="JsonPath"/> builds them.</summary>
internal static partial class JsonPaths
{
    public const string Root = "$";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    /// <summary>Appends <c>.key</c>, or <c>['key']</c> when the key is not a plain name.</summary>
    public static void AppendProperty(StringBuilder path, string key)
    {
        if (Identifier().IsMatch(key))
        {
            path.Append('.').Append(key);
            return;
        }
        path.Append("['");
        foreach (var c in key)
        {
            if (c is '\\' or '\'') path.Append('\\');
            path.Append(c);
        }
        path.Append("']");
    }

    /// <summary>The path and every path it lies inside (<c>$.a[1].b</c>, <c>$.a[1]</c>, <c>$.a</c>, <c>$</c>); a cut inside a quoted key gives no real path, which is harmless for lookups.</summary>
    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        yield return path;
        for (var i = path.Length - 1; i > 0; i--)
        {
            if (path[i] is '.' or '[') yield return path[..i];
        }
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
