using System.Text;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// A place in a document (<c>$.steps[1].name</c>) as the place it lies in plus one key or index. Making one costs the
/// same at any depth, and its text is built only when an error shows it: a path string per object made a definition of
/// 100,000 steps, or one nested a thousand deep, cost its size times its depth.
/// </summary>
internal sealed class JsonPath
{
    public static readonly JsonPath Root = new(null, null, 0);

    private readonly JsonPath? _parent;
    private readonly string? _key;
    private readonly int _index;

    private JsonPath(JsonPath? parent, string? key, int index)
    {
        _parent = parent;
        _key = key;
        _index = index;
    }

    public JsonPath Property(string key) => new(this, key, 0);

    public JsonPath Index(int index) => new(this, null, index);

    /// <summary>The last property name (<c>$.config.timeout_ms</c> → <c>timeout_ms</c>; <c>$.steps[2]</c> → <c>steps</c>).</summary>
    public string LastKey => _key ?? _parent?.LastKey ?? JsonPaths.Root;

    public override string ToString()
    {
        var places = new Stack<JsonPath>();
        for (var p = this; p._parent is not null; p = p._parent) places.Push(p);
        var text = new StringBuilder(JsonPaths.Root);
        foreach (var place in places)
        {
            if (place._key is null) text.Append('[').Append(place._index).Append(']');
            else JsonPaths.AppendProperty(text, place._key);
        }
        return text.ToString();
    }
}
