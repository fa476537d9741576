using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Conditions;

/// <summary>Evaluates data conditions against a run scope (classification is the coordinator's, through an agent).</summary>
public static class ConditionEvaluator
{
    /// <summary>
    /// True or false; a path that does not resolve makes a comparison false (and <c>exists</c> false),
    /// so routing on optional data works. <paramref name="classifiedLabel"/> is the label an agent chose, if any.
    /// </summary>
    public static bool Evaluate(Condition condition, RunScope scope, string? classifiedLabel = null, string? branchName = null) => condition switch
    {
        AlwaysCondition => true,
        NeverCondition => false,
        AndCondition and => and.Conditions.All(c => Evaluate(c, scope, classifiedLabel, branchName)),
        OrCondition or => or.Conditions.Any(c => Evaluate(c, scope, classifiedLabel, branchName)),
        NotCondition not => !Evaluate(not.Inner, scope, classifiedLabel, branchName),
        ExistsCondition exists => TryResolve(exists.Path, scope, out var v) && v is not null,
        CompareCondition compare => TryResolve(compare.Path, scope, out var value) && Compare(compare, value),
        ClassifyCondition classify => classifiedLabel is not null
            && string.Equals(classifiedLabel, classify.Label ?? branchName, StringComparison.OrdinalIgnoreCase),
        _ => throw new NotSupportedException($"Unknown condition {condition.GetType().Name}"),
    };

    private static bool TryResolve(DataPath path, RunScope scope, out JsonNode? value)
    {
        try
        {
            value = scope.Resolve(path);
            return true;
        }
        catch (TemplateReferenceException)
        {
            value = null;
            return false;
        }
    }

    private static bool Compare(CompareCondition condition, JsonNode? actual)
    {
        var (op, expected) = (condition.Operator, condition.Value);
        switch (op)
        {
            case CompareOperator.Equals: return JsonEquals(actual, expected);
            case CompareOperator.NotEquals: return !JsonEquals(actual, expected);
            case CompareOperator.Contains:
                return actual switch
                {
                    JsonArray array => array.Any(e => JsonEquals(e, expected)),
                    JsonObject obj => expected is JsonValue key && key.TryGetValue<string>(out var k) && obj.ContainsKey(k),
                    _ => Template.ToText(actual).Contains(Template.ToText(expected), StringComparison.Ordinal),
                };
            case CompareOperator.Matches:
                var pattern = Template.ToText(expected);
                try
                {
                    return Regex.IsMatch(Template.ToText(actual), pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (RegexMatchTimeoutException)
                {
                    throw new ConditionEvaluationException(condition, $"matching the pattern '{pattern}' took longer than 1 s; simplify the pattern");
                }
                catch (ArgumentException ex)
                {
                    throw new ConditionEvaluationException(condition, $"'{pattern}' is not a valid regular expression ({ex.Message})");
                }
            default:
                if (!TryNumber(actual, out var a) || !TryNumber(expected, out var b)) return false;
                return op switch
                {
                    CompareOperator.GreaterThan => a > b,
                    CompareOperator.GreaterOrEqual => a >= b,
                    CompareOperator.LessThan => a < b,
                    _ => a <= b,
                };
        }
    }

    /// <summary>Numbers compare by value; a numeric string (an LLM's "0.9") counts as a number.</summary>
    private static bool TryNumber(JsonNode? node, out double number)
    {
        number = 0;
        if (node is not JsonValue v) return false;
        if (v.GetValueKind() == JsonValueKind.Number) return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
        return v.TryGetValue<string>(out var s) && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        if (TryNumber(a, out var x) && TryNumber(b, out var y) && a!.GetValueKind() == b!.GetValueKind()) return x.Equals(y);
        if (a is JsonValue va && b is JsonValue vb && va.TryGetValue<string>(out var sa) && vb.TryGetValue<string>(out var sb))
            return string.Equals(sa.Trim(), sb.Trim(), StringComparison.Ordinal);
        return JsonNode.DeepEquals(a, b);
    }
}

/// <summary>A condition that cannot be evaluated at all (not merely false): e.g. an invalid regular expression.</summary>
public sealed class ConditionEvaluationException(Condition condition, string reason)
    : Exception($"The condition {condition.Describe()} cannot be evaluated: {reason}.")
{
    public Condition Condition { get; } = condition;
}
