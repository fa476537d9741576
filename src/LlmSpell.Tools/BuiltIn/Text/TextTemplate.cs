using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary>
/// Renders <c>{{key.path}}</c> placeholders against a JSON object: <c>{{user.name}}</c>, <c>{{items[0].title}}</c>,
/// <c>{{ spaced }}</c>. Strings render as themselves, other values as compact JSON; <c>{{{{</c> writes a literal <c>{{</c>.
/// </summary>
public static class TextTemplate
{
    /// <summary>What to do with a placeholder whose path is not in the data.</summary>
    public enum MissingPolicy
    {
        /// <summary>Fail with <see cref="TextTemplateException"/> naming the placeholder and what there is.</summary>
        Error,

        /// <summary>Render nothing.</summary>
        Empty,

        /// <summary>Leave the placeholder as written.</summary>
        Keep,
    }

    public static string Render(string template, JsonNode? data, MissingPolicy missing = MissingPolicy.Error)
    {
        var output = new StringBuilder(template.Length);
        var pos = 0;
        while (pos < template.Length)
        {
            var open = template.IndexOf("{{", pos, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(template, pos, template.Length - pos);
                break;
            }
            output.Append(template, pos, open - pos);
            if (string.CompareOrdinal(template, open, "{{{{", 0, 4) == 0)
            {
                output.Append("{{");
                pos = open + 4;
                continue;
            }
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) throw new TextTemplateException(open, "'{{' is not closed; close it with '}}' (write '{{{{' for a literal '{{')");
            var reference = template[(open + 2)..close].Trim();
            var placeholder = template[open..(close + 2)];
            output.Append(Resolve(reference, data, open, placeholder, missing));
            pos = close + 2;
        }
        return output.ToString();
    }

    private static string Resolve(string reference, JsonNode? data, int position, string placeholder, MissingPolicy missing)
    {
        if (reference.Length == 0) throw new TextTemplateException(position, $"{placeholder} is empty; write a path such as {{{{user.name}}}}");
        var node = data;
        var walked = "";
        foreach (var step in Steps(reference, position))
        {
            JsonNode? next = null;
            var found = step switch
            {
                string name when node is JsonObject o => o.TryGetPropertyValue(name, out next),
                int index when node is JsonArray a && index < a.Count => (next = a[index]) is var _,
                _ => false,
            };
            if (!found)
            {
                return missing switch
                {
                    MissingPolicy.Empty => "",
                    MissingPolicy.Keep => placeholder,
                    _ => throw new TextTemplateException(position, $"{placeholder}: {Explain(node, step, walked)}"),
                };
            }
            walked += step is int i ? $"[{i}]" : walked.Length == 0 ? step : $".{step}";
            node = next;
        }
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : JsonValues.ToText(node);
    }

    private static string Explain(JsonNode? node, object step, string walked)
    {
        var at = walked.Length == 0 ? "the data" : $"'{walked}'";
        return (step, node) switch
        {
            (string name, JsonObject o) => $"{at} has no property '{name}'; it has: {(o.Count == 0 ? "none" : string.Join(", ", o.Select(p => p.Key)))}",
            (int index, JsonArray a) => $"{at} has {a.Count} item{(a.Count == 1 ? "" : "s")}, so [{index}] is out of range",
            (string name, _) => $"{at} is {JsonValues.TypeName(node)}, not an object, so it has no property '{name}'",
            (int index, _) => $"{at} is {JsonValues.TypeName(node)}, not an array, so it has no item [{index}]",
            _ => "not found",
        };
    }

    /// <summary>The path as property names (strings) and indexes (ints): <c>a.b[0].c</c> is a, b, 0, c.</summary>
    private static List<object> Steps(string reference, int position)
    {
        var steps = new List<object>();
        var i = 0;
        while (i < reference.Length)
        {
            if (reference[i] == '[')
            {
                var end = reference.IndexOf(']', i);
                if (end < 0 || !int.TryParse(reference.AsSpan(i + 1, end - i - 1), out var index) || index < 0)
                    throw new TextTemplateException(position, $"'{{{{{reference}}}}}' has an invalid index; write [0], [1], …");
                steps.Add(index);
                i = end + 1;
                continue;
            }
            if (steps.Count > 0)
            {
                if (reference[i] != '.') throw new TextTemplateException(position, $"'{{{{{reference}}}}}' has text after an index; use a dot: items[0].name");
                i++;
            }
            var start = i;
            while (i < reference.Length && reference[i] is not ('.' or '[')) i++;
            if (i == start) throw new TextTemplateException(position, $"'{{{{{reference}}}}}' has an empty name; write names separated by single dots");
            steps.Add(reference[start..i]);
        }
        return steps;
    }
}
