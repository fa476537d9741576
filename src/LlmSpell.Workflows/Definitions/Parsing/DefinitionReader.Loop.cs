using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

internal sealed partial class DefinitionReader
{
    private static readonly string[] LoopKeys =
        ["range", "for_each", "while", "break_when", "max_iterations", "aggregation", "delay_ms"];

    private static readonly string[] Iterators = ["range", "for_each", "while"];

    private LoopSpec ReadLoop(JsonObject obj, JsonPath path)
    {
        var r = new JsonObjectReader(obj, path, context);
        var given = Iterators.Where(r.Has).ToArray();
        if (given.Length == 0)
            context.Error(path, "a loop needs one of 'range', 'for_each' or 'while', e.g. \"for_each\": \"input.items\"");
        foreach (var extra in given.Skip(1))
            context.Error(r.PathOf(extra), $"a loop takes exactly one of 'range', 'for_each' or 'while', got {string.Join(" and ", given)}; keep one");

        LoopIterator? iterator = given.Length == 0 ? null : given[0] switch
        {
            "range" => ReadRange(r),
            "for_each" => ReadForEach(r),
            _ => r.Has("while") ? new WhileIterator(ReadCondition(r.Node("while"), r.PathOf("while"))) : null,
        };
        foreach (var extra in given.Skip(1)) r.Node(extra);
        if (given.Contains("while") && !r.Has("max_iterations"))
            context.Error(r.PathOf("max_iterations"),
                "a 'while' loop needs 'max_iterations' so that it cannot run forever; add e.g. \"max_iterations\": 10");

        var breakWhen = r.Has("break_when") ? ReadCondition(r.Node("break_when"), r.PathOf("break_when")) : null;
        r.Node("break_when");
        var maxIterations = r.Int("max_iterations");
        var (aggregation, count) = ReadAggregation(r);
        var delay = r.Milliseconds("delay_ms");
        r.ReportUnknownKeys(LoopKeys);

        var spec = new LoopSpec
        {
            // A stand-in after a reported error: it adds no errors of its own.
            Iterator = iterator ?? new RangeIterator(0, 0, 1),
            BreakWhen = breakWhen,
            Aggregation = aggregation,
            AggregationCount = count,
            DelayBetweenIterations = delay ?? TimeSpan.Zero,
        };
        if (maxIterations is { } max) spec = spec with { MaxIterations = max };
        context.Paths.Node(spec, path);
        return spec;
    }

    private RangeIterator? ReadRange(JsonObjectReader loop)
    {
        var obj = loop.ObjectValue("range");
        if (obj is null) return null;
        var r = new JsonObjectReader(obj, loop.PathOf("range"), context);
        if (!r.Has("end")) context.Error(r.PathOf("end"), "range needs an 'end' (exclusive), e.g. {\"start\": 0, \"end\": 10}");
        var start = r.Integer("start") ?? 0;
        var end = r.Integer("end");
        var step = r.Integer("step") ?? 1;
        r.ReportUnknownKeys(["start", "end", "step"]);
        return end is null ? null : new RangeIterator(start, end.Value, step);
    }

    private ForEachIterator? ReadForEach(JsonObjectReader loop)
    {
        var node = loop.Node("for_each");
        switch (node)
        {
            case JsonArray items:
                return new ForEachIterator { Items = context.Keep(loop.Object, "for_each", items) };
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                var source = ReadDataPath(node.GetValue<string>(), loop.PathOf("for_each"));
                return source is null ? null : new ForEachIterator { Source = source };
            default:
                context.Error(loop.PathOf("for_each"),
                    $"for_each takes an array of items or a path to one (\"input.items\", \"{{{{steps.list.output}}}}\"), got {JsonPaths.KindOf(node)}");
                return null;
        }
    }

    private (LoopAggregation Aggregation, int Count) ReadAggregation(JsonObjectReader loop)
    {
        var node = loop.Node("aggregation");
        var path = loop.PathOf("aggregation");
        const string Expected = "\"collect_all\", \"last\", \"none\", {\"first_n\": N} or {\"last_n\": N}";
        switch (node)
        {
            case null:
                return (LoopAggregation.CollectAll, 0);
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                var text = node.GetValue<string>();
                var named = MatchEnum(text, [("collect_all", LoopAggregation.CollectAll), ("last", LoopAggregation.Last), ("none", LoopAggregation.None)]);
                if (named is { } aggregation) return (aggregation, 0);
                context.Error(path, $"unknown aggregation '{text}'; use {Expected}{DidYouMean.Hint(text, ["collect_all", "last", "none", "first_n", "last_n"])}");
                return (LoopAggregation.CollectAll, 0);
            case JsonObject { Count: 1 } obj when obj.First().Key is "first_n" or "last_n":
                var r = new JsonObjectReader(obj, path, context);
                var key = obj.First().Key;
                var count = r.Int(key) ?? 1;
                return (key == "first_n" ? LoopAggregation.FirstN : LoopAggregation.LastN, count);
            default:
                context.Error(path, $"aggregation must be {Expected}, got {JsonObjectReader.Describe(node)}");
                return (LoopAggregation.CollectAll, 0);
        }
    }
}
