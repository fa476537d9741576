using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Json;

/// <summary>
/// A compiled JSONPath: <c>$</c>, <c>.name</c>, <c>['name']</c>, <c>[n]</c> (negative from the end), <c>[*]</c>/<c>.*</c>,
/// <c>..</c> (descendants), <c>[start:end:step]</c>, unions <c>[a,b]</c> and filters <c>[?(@.x == 1)]</c> with
/// <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c> and existence tests (<c>[?(@.x)]</c>).
/// </summary>
public sealed partial class JsonPath
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonPath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>Compiles a path; a bare <c>a.b</c> is read as <c>$.a.b</c>. Throws <see cref="JsonPathException"/> with the position.</summary>
    public static JsonPath Parse(string path) => new(path, new Parser(path).ParseRoot());

    /// <summary>The values the path selects, in document order; a JSON null that is selected is a null element.</summary>
    public IReadOnlyList<JsonNode?> Evaluate(JsonNode? root) => Select(_segments, [root], root);

    private static List<JsonNode?> Select(IReadOnlyList<Segment> segments, List<JsonNode?> start, JsonNode? root)
    {
        var current = start;
        foreach (var segment in segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                if (segment.Descendants)
                    foreach (var each in SelfAndDescendants(node)) Apply(segment, each, root, next);
                else
                    Apply(segment, node, root, next);
            }
            current = next;
        }
        return current;
    }

    private static void Apply(Segment segment, JsonNode? node, JsonNode? root, List<JsonNode?> into)
    {
        foreach (var selector in segment.Selectors) selector.Select(node, root, into);
    }

    private static IEnumerable<JsonNode?> SelfAndDescendants(JsonNode? node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
            foreach (var each in SelfAndDescendants(child)) yield return each;
    }

    private sealed record Segment(bool Descendants, IReadOnlyList<Selector> Selectors);

    private abstract record Selector
    {
        public abstract void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into);
    }

    private sealed record NameSelector(string Name) : Selector
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into)
        {
            if (node is JsonObject o && o.TryGetPropertyValue(Name, out var value)) into.Add(value);
        }
    }

    private sealed record WildcardSelector : Selector
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into)
        {
            if (node is JsonObject o) into.AddRange(o.Select(p => p.Value));
            else if (node is JsonArray a) into.AddRange(a);
        }
    }

    private sealed record IndexSelector(int Index) : Selector
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into)
        {
            if (node is not JsonArray a) return;
            var i = Index < 0 ? a.Count + Index : Index;
            if (i >= 0 && i < a.Count) into.Add(a[i]);
        }
    }

    private sealed record SliceSelector(int? Start, int? End, int Step) : Selector
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into)
        {
            if (node is not JsonArray a || Step == 0) return;
            var n = a.Count;
            int Norm(int i) => i < 0 ? Math.Max(n + i, Step > 0 ? 0 : -1) : Math.Min(i, Step > 0 ? n : n - 1);
            if (Step > 0)
            {
                for (var i = Start is { } s ? Norm(s) : 0; i < (End is { } e ? Norm(e) : n); i += Step) into.Add(a[i]);
            }
            else
            {
                for (var i = Start is { } s ? Norm(s) : n - 1; i > (End is { } e ? Norm(e) : -1); i += Step) into.Add(a[i]);
            }
        }
    }

    private sealed record FilterSelector(Filter Filter) : Selector
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> into)
        {
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
                if (Filter.Test(child, root)) into.Add(child);
        }
    }
}
