using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

internal sealed partial class DefinitionReader
{
    private static readonly (string Key, CompareOperator Operator)[] Comparisons =
    [
        ("equals", CompareOperator.Equals),
        ("not_equals", CompareOperator.NotEquals),
        ("contains", CompareOperator.Contains),
        ("matches", CompareOperator.Matches),
        ("gt", CompareOperator.GreaterThan),
        ("gte", CompareOperator.GreaterOrEqual),
        ("lt", CompareOperator.LessThan),
        ("lte", CompareOperator.LessOrEqual),
    ];

    private static readonly string[] ConditionKeys =
        ["always", "never", .. Comparisons.Select(c => c.Key), "exists", "and", "or", "not", "classify"];

    private const string ConditionExample = "{\"equals\": {\"path\": \"steps.check.output\", \"value\": \"yes\"}}";

    /// <summary>A condition; on errors (reported) a stand-in that never adds errors of its own.</summary>
    private Condition ReadCondition(JsonNode? node, JsonPath path)
    {
        switch (node)
        {
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                var text = node.GetValue<string>();
                switch (text.Trim().ToLowerInvariant())
                {
                    case "always": return AlwaysCondition.Instance;
                    case "never": return NeverCondition.Instance;
                }
                context.Error(path, $"unknown condition '{text}'; a condition is \"always\", \"never\" or an object with one key like {ConditionExample}");
                return NeverCondition.Instance;
            case JsonObject { Count: 1 } obj:
                var (key, value) = obj.First();
                return ReadConditionKey(key, value, path);
            case JsonObject obj:
                context.Error(path, obj.Count == 0
                    ? $"a condition object needs exactly one key ({string.Join(", ", ConditionKeys)}), e.g. {ConditionExample}"
                    : $"a condition object has exactly one key, got {obj.Count} ({string.Join(", ", obj.Select(p => p.Key))}); combine conditions with \"and\": [...] or \"or\": [...]");
                return NeverCondition.Instance;
            default:
                context.Error(path, $"a condition must be \"always\", \"never\" or an object like {ConditionExample}, got {JsonPaths.KindOf(node)}");
                return NeverCondition.Instance;
        }
    }

    private Condition ReadConditionKey(string key, JsonNode? value, JsonPath parentPath)
    {
        var path = parentPath.Property(key);
        switch (key)
        {
            case "always":
                return AlwaysCondition.Instance;
            case "never":
                return NeverCondition.Instance;
            case "exists":
                if (value is JsonValue && value.GetValueKind() == JsonValueKind.String)
                    return ReadDataPath(value.GetValue<string>(), path) is { } existsPath ? new ExistsCondition(existsPath) : NeverCondition.Instance;
                context.Error(path, $"exists takes a path like \"steps.fetch.output.items\", got {JsonPaths.KindOf(value)}");
                return NeverCondition.Instance;
            case "and" or "or":
                if (value is not JsonArray items)
                {
                    context.Error(path, $"{key} takes an array of conditions, got {JsonPaths.KindOf(value)}");
                    return NeverCondition.Instance;
                }
                var conditions = items.Select((item, i) => ReadCondition(item, path.Index(i))).ToArray();
                return key == "and" ? new AndCondition(conditions) : new OrCondition(conditions);
            case "not":
                return new NotCondition(ReadCondition(value, path));
            case "classify":
                return ReadClassify(value, path);
        }
        var comparison = Comparisons.FirstOrDefault(c => c.Key == key);
        if (comparison.Key is null)
        {
            var hint = DidYouMean.Closest(key, ConditionKeys) is { } match ? $"did you mean '{match}'?" : $"use one of: {string.Join(", ", ConditionKeys)}";
            context.Error(path, $"unknown condition '{key}'; {hint}");
            return NeverCondition.Instance;
        }
        if (value is not JsonObject obj)
        {
            context.Error(path, $"{key} takes an object {{\"path\": \"...\", \"value\": ...}}, got {JsonPaths.KindOf(value)}");
            return NeverCondition.Instance;
        }
        var r = new JsonObjectReader(obj, path, context);
        var pathText = r.String("path");
        if (pathText is null && !r.Has("path"))
            context.Error(r.PathOf("path"), $"{key} needs a 'path' to the value to compare, e.g. \"steps.score.output.value\"");
        if (!r.Contains("value"))
            context.Error(r.PathOf("value"), $"{key} needs a 'value' to compare with");
        var compared = r.Take("value");
        r.ReportUnknownKeys(["path", "value"]);
        var dataPath = pathText is null ? null : ReadDataPath(pathText, r.PathOf("path"));
        return dataPath is null ? NeverCondition.Instance : new CompareCondition(comparison.Operator, dataPath, compared);
    }

    private Condition ReadClassify(JsonNode? value, JsonPath path)
    {
        if (value is null) return new ClassifyCondition();
        if (value is not JsonObject obj)
        {
            context.Error(path, $"classify takes an object {{\"label\": ..., \"input\": ..., \"model\": ...}} (all optional), got {JsonPaths.KindOf(value)}");
            return NeverCondition.Instance;
        }
        var r = new JsonObjectReader(obj, path, context);
        var condition = new ClassifyCondition
        {
            Label = r.String("label"),
            Input = r.String("input"),
            Model = r.String("model"),
            AgentId = r.String("agent_id"),
            Instructions = r.String("instructions"),
        };
        r.ReportUnknownKeys(["label", "input", "model", "agent_id", "instructions"]);
        return condition;
    }

    /// <summary>A reference as conditions and for_each write it: <c>steps.x.output</c>, or the same inside <c>{{…}}</c>.</summary>
    private DataPath? ReadDataPath(string text, JsonPath path)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("{{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal)
            && trimmed.IndexOf("{{", 2, StringComparison.Ordinal) < 0)
        {
            trimmed = trimmed[2..^2].Trim();
        }
        else if (trimmed.Contains("{{", StringComparison.Ordinal) || trimmed.Contains("}}", StringComparison.Ordinal))
        {
            context.Error(path, $"'{text}' must be a single reference such as \"steps.fetch.output.items\", not a text template");
            return null;
        }
        if (DataPath.TryParse(trimmed, out var dataPath, out var error)) return dataPath;
        context.Error(path, error!);
        return null;
    }
}
