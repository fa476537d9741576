using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions.Parsing;

namespace LlmSpell.Workflows.Definitions.Validation;

internal sealed partial class ValidationPass
{
    private const string ReferenceForms = "write references as {{input.x}}, {{steps.NAME.output}}, {{state.KEY}}, {{loop.item}}, {{loop.index}} or {{branch.name}}";

    /// <summary>
    /// A loop.* or branch.* reference whose validity may depend on where its named workflow is called
    /// from; checked after the walk, when every call site is known.
    /// </summary>
    private sealed record ScopedReference(WorkflowDefinition? Owner, bool InScopeHere, DataPath Reference, JsonPath Path);

    private readonly List<ScopedReference> _scopedReferences = [];

    /// <summary>Checks the references of a text template.</summary>
    private void Text(string? template, JsonPath path, Scope scope)
    {
        if (template is null) return;
        foreach (var (reference, error) in Template.References(template))
        {
            if (error is not null) Error(path, $"{error}; {ReferenceForms}");
            else Reference(reference!, path, scope);
        }
    }

    // The walk of one template at a time (Json), kept for the next: every tool step has one.
    private readonly Stack<JsonNode> _pending = new();

    /// <summary>Checks the references in every string of a JSON template, pointing at the string.</summary>
    private void Json(JsonNode? template, JsonPath path, Scope scope)
    {
        if (template is null) return;
        // Iterative, and a path is built only for a string with references: parameters may nest a thousand deep.
        var pending = _pending;
        pending.Push(template);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case JsonObject obj:
                    for (var i = obj.Count - 1; i >= 0; i--) if (obj.GetAt(i).Value is { } value) pending.Push(value);
                    break;
                case JsonArray array:
                    for (var i = array.Count - 1; i >= 0; i--) if (array[i] is { } item) pending.Push(item);
                    break;
                case JsonValue value when value.TryGetValue<string>(out var text) && Template.HasReferences(text):
                    Text(text, PathWithin(path, template, value), scope);
                    break;
            }
        }
    }

    // The path of a node inside a template whose own path is given.
    private static JsonPath PathWithin(JsonPath path, JsonNode root, JsonNode node)
    {
        var steps = new List<JsonNode>();
        for (var n = node; !ReferenceEquals(n, root) && n.Parent is not null; n = n.Parent) steps.Add(n);
        for (var i = steps.Count - 1; i >= 0; i--)
            path = steps[i].Parent is JsonArray ? path.Index(steps[i].GetElementIndex()) : path.Property(steps[i].GetPropertyName());
        return path;
    }

    private void Reference(DataPath reference, JsonPath path, Scope scope)
    {
        switch (reference.Root)
        {
            case DataRoot.Steps when !_stepNames.Contains(reference.Key!):
                var known = _stepNameList.Count == 0
                    ? "no step in this definition has a name yet"
                    : "known steps: " + string.Join(", ", _stepNameList.Take(12)) + (_stepNameList.Count > 12 ? ", …" : "");
                Error(path, $"reference {{{{{reference}}}}} names unknown step '{reference.Key}'{DidYouMean.Hint(reference.Key!, _stepNameList)} ({known})");
                break;
            case DataRoot.Loop:
                _scopedReferences.Add(new ScopedReference(scope.Owner, scope.InLoop, reference, path));
                break;
            case DataRoot.Branch:
                _scopedReferences.Add(new ScopedReference(scope.Owner, scope.InBranch, reference, path));
                break;
        }
    }

    private void Condition(Condition condition, JsonPath path, Scope scope, bool classifyAllowed)
    {
        switch (condition)
        {
            case CompareCondition compare:
                var key = OperatorKey(compare.Operator);
                var comparePath = path.Property(key);
                Reference(compare.Path, comparePath.Property("path"), scope);
                CompareValue(compare, key, comparePath.Property("value"));
                break;
            case ExistsCondition exists:
                Reference(exists.Path, path.Property("exists"), scope);
                break;
            case AndCondition and:
                Conditions("and", and.Conditions, path, scope);
                break;
            case OrCondition or:
                Conditions("or", or.Conditions, path, scope);
                break;
            case NotCondition not:
                Condition(not.Inner, path.Property("not"), scope, classifyAllowed: false);
                break;
            case ClassifyCondition classify:
                if (!classifyAllowed)
                    Error(path.Property("classify"),
                        "classify picks one of a conditional workflow's branches, so it can only be a branch's whole condition (not inside and/or/not, nor in a loop)");
                Text(classify.Input, path.Property("classify").Property("input"), scope);
                break;
        }
    }

    private void Conditions(string key, IReadOnlyList<Condition> conditions, JsonPath path, Scope scope)
    {
        var listPath = path.Property(key);
        if (conditions.Count == 0) Error(listPath, $"{key} needs at least one condition");
        for (var i = 0; i < conditions.Count; i++)
            Condition(conditions[i], listPath.Index(i), scope, classifyAllowed: false);
    }

    private void CompareValue(CompareCondition compare, string key, JsonPath path)
    {
        switch (compare.Operator)
        {
            case CompareOperator.GreaterThan or CompareOperator.GreaterOrEqual or CompareOperator.LessThan or CompareOperator.LessOrEqual:
                if (compare.Value is null || JsonObjectReader.AsNumber(compare.Value) is null)
                    Error(path, $"{key} compares numbers, so value must be a number, got {JsonPaths.KindOf(compare.Value)}");
                break;
            case CompareOperator.Matches:
                if (compare.Value is not JsonValue v || !v.TryGetValue<string>(out var pattern))
                {
                    Error(path, $"matches takes a regular expression as a string, got {JsonPaths.KindOf(compare.Value)}");
                    break;
                }
                try
                {
                    _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    Error(path, $"'{pattern}' is not a valid regular expression: {e.Message}");
                }
                break;
        }
    }

    private static string OperatorKey(CompareOperator op) => op switch
    {
        CompareOperator.Equals => "equals",
        CompareOperator.NotEquals => "not_equals",
        CompareOperator.Contains => "contains",
        CompareOperator.Matches => "matches",
        CompareOperator.GreaterThan => "gt",
        CompareOperator.GreaterOrEqual => "gte",
        CompareOperator.LessThan => "lt",
        _ => "lte",
    };

    /// <summary>
    /// loop.* and branch.* are in scope inside a loop body or branch, including nested workflows there;
    /// a named workflow inherits them when one of its call sites has them (checked to a fixed point,
    /// since named workflows call each other).
    /// </summary>
    private void CheckScopedReferences()
    {
        var inLoop = new HashSet<WorkflowDefinition>(ReferenceEqualityComparer.Instance);
        var inBranch = new HashSet<WorkflowDefinition>(ReferenceEqualityComparer.Instance);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var call in _calls)
            {
                if ((call.InLoop || (call.Caller is not null && inLoop.Contains(call.Caller))) && inLoop.Add(call.Callee)) changed = true;
                if ((call.InBranch || (call.Caller is not null && inBranch.Contains(call.Caller))) && inBranch.Add(call.Callee)) changed = true;
            }
        }
        foreach (var (owner, inScopeHere, reference, path) in _scopedReferences)
        {
            if (inScopeHere) continue;
            var loop = reference.Root == DataRoot.Loop;
            if (owner is not null && (loop ? inLoop : inBranch).Contains(owner)) continue;
            Error(path, loop
                ? $"reference {{{{{reference}}}}} is only available inside a loop body (a loop workflow's steps, its while and break_when); move this step into a loop"
                : $"reference {{{{{reference}}}}} is only available inside a branch of a parallel or conditional workflow; move this step into a branch");
        }
    }
}
