using System.Globalization;

namespace LlmSpell.Workflows.Definitions;

/// <summary>Where a reference points: the run's input, a step's output, state, the loop or the branch.</summary>
public enum DataRoot
{
    Input,
    Steps,
    State,
    Loop,
    Branch,
}

/// <summary>
/// A reference into a run's data, as written inside <c>{{…}}</c> and in conditions:
/// <c>input.user.name</c>, <c>steps.fetch.output.items[0]</c>, <c>state.total</c>, <c>loop.item</c>,
/// <c>loop.index</c>, <c>branch.name</c>.
/// </summary>
public sealed record DataPath
{
    private DataPath(DataRoot root, string? key, IReadOnlyList<object> segments, string text)
    {
        Root = root;
        Key = key;
        Segments = segments;
        Text = text;
    }

    public DataRoot Root { get; }

    /// <summary>The step name (steps), state key (state), or loop/branch field (<c>item</c>, <c>index</c>, <c>name</c>).</summary>
    public string? Key { get; }

    /// <summary>The path below the root value: property names (string) and array indexes (int).</summary>
    public IReadOnlyList<object> Segments { get; }

    /// <summary>The reference as written.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>Parses a reference; on failure the message says what is wrong and what is allowed.</summary>
    public static bool TryParse(string text, out DataPath? path, out string? error)
    {
        path = null;
        error = null;
        var trimmed = text.Trim();
        var parts = Split(trimmed, out error);
        if (parts is null) return false;
        if (parts.Count == 0 || parts[0] is not string rootName)
        {
            error = $"reference '{text}' is empty";
            return false;
        }
        switch (rootName)
        {
            case "input":
                path = new DataPath(DataRoot.Input, null, Tail(parts, 1), trimmed);
                return true;
            case "steps":
                if (parts.Count < 3 || parts[1] is not string step || parts[2] is not "output")
                {
                    error = $"reference '{text}' must have the form steps.NAME.output[.path]";
                    return false;
                }
                path = new DataPath(DataRoot.Steps, step, Tail(parts, 3), trimmed);
                return true;
            case "state":
                if (parts.Count < 2 || parts[1] is not string key)
                {
                    error = $"reference '{text}' must have the form state.KEY[.path]";
                    return false;
                }
                path = new DataPath(DataRoot.State, key, Tail(parts, 2), trimmed);
                return true;
            case "loop":
                if (parts.Count < 2 || parts[1] is not ("item" or "index"))
                {
                    error = $"reference '{text}' must be loop.item[.path] or loop.index";
                    return false;
                }
                path = new DataPath(DataRoot.Loop, (string)parts[1], Tail(parts, 2), trimmed);
                return true;
            case "branch":
                if (parts.Count != 2 || parts[1] is not "name")
                {
                    error = $"reference '{text}' must be branch.name";
                    return false;
                }
                path = new DataPath(DataRoot.Branch, "name", [], trimmed);
                return true;
            default:
                error = $"reference '{text}' starts with '{rootName}'; it must start with input, steps, state, loop or branch";
                return false;
        }
    }

    /// <summary>Parses a reference or throws <see cref="FormatException"/>.</summary>
    public static DataPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path! : throw new FormatException(error);

    private static object[] Tail(List<object> parts, int from)
    {
        if (parts.Count <= from) return [];
        var tail = new object[parts.Count - from];
        parts.CopyTo(from, tail, 0, tail.Length);
        return tail;
    }

    // "a.b[0].c" → ["a", "b", 0, "c"]; every reference of every template is split at validation, so names are cut out of the text, not built up.
    private static List<object>? Split(string text, out string? error)
    {
        error = null;
        var parts = new List<object>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (i == start && (parts.Count == 0 || text[i - 1] != ']'))
                {
                    error = $"reference '{text}' has an empty name before position {i + 1}";
                    return null;
                }
                if (i > start) parts.Add(text[start..i]);
                start = i + 1;
            }
            else if (c == '[')
            {
                if (i > start) parts.Add(text[start..i]);
                var close = text.IndexOf(']', i);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    error = $"reference '{text}' has an invalid index at position {i + 1}; use [0], [1], ...";
                    return null;
                }
                parts.Add(index);
                i = close;
                start = close + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                error = $"reference '{text}' contains a space; names in references cannot contain spaces";
                return null;
            }
        }
        if (start < text.Length) parts.Add(text[start..]);
        else if (text.EndsWith('.'))
        {
            error = $"reference '{text}' ends with '.'";
            return null;
        }
        return parts;
    }
}
