using LlmSpell.Workflows.Definitions.Parsing;

namespace LlmSpell.Workflows.Definitions.Validation;

internal sealed partial class ValidationPass
{
    /// <summary>A workflow step naming a named workflow: from which named workflow's tree (null: the root's), and in what scope.</summary>
    private sealed record Call(WorkflowDefinition? Caller, WorkflowDefinition Callee, bool InLoop, bool InBranch, JsonPath Path);

    private readonly List<Call> _calls = [];
    private readonly Dictionary<WorkflowDefinition, string> _namedDisplay = new(ReferenceEqualityComparer.Instance);

    private void NamedWorkflows(WorkflowDefinition workflow, JsonPath path, Scope scope)
    {
        foreach (var (name, named) in workflow.Workflows)
        {
            // A definition built in code may share one named workflow between parents: check it once.
            if (!_namedDisplay.TryAdd(named, name)) continue;
            var namedPath = At(named, path.Property("workflows").Property(name));
            Workflow(named, namedPath, scope.Nested with { Owner = named, InLoop = false, InBranch = false });
        }
    }

    private void WorkflowStep(StepDefinition step, JsonPath path, Scope scope)
    {
        var spec = step.Workflow;
        if (spec is null || (spec.Inline is null && string.IsNullOrWhiteSpace(spec.Name)))
        {
            Error(spec is null ? path.Property("workflow") : FieldAt(spec, "workflow", path),
                "a workflow step needs 'workflow': an inline workflow object, or the name of a workflow under 'workflows'");
            return;
        }
        var workflowPath = FieldAt(spec, "workflow", path);
        if (spec.Inline is not null && spec.Name is not null)
            Error(workflowPath, $"the step has both an inline workflow and the name '{spec.Name}'; keep one");
        if (spec.Inline is { } inline)
        {
            // Inline workflows are part of their parent's tree: same owner, same loop and branch scope.
            Workflow(inline, At(inline, workflowPath), scope.Nested);
        }
        else if (Resolve(spec.Name!, scope) is { } callee)
        {
            _calls.Add(new Call(scope.Owner, callee, scope.InLoop, scope.InBranch, workflowPath));
        }
        else
        {
            var known = scope.Named.SelectMany(d => d.Keys).Distinct().ToArray();
            Error(workflowPath, known.Length == 0
                ? $"unknown workflow '{spec.Name}': no named workflows are defined; define it under 'workflows' or give the workflow inline"
                : $"unknown workflow '{spec.Name}'{DidYouMean.Hint(spec.Name!, known)} (named workflows: {string.Join(", ", known)})");
        }
        Json(spec.Input, FieldAt(spec, "input", path), scope);
    }

    /// <summary>The innermost named workflow of that name: a workflow's own 'workflows', then its parents'.</summary>
    private static WorkflowDefinition? Resolve(string name, Scope scope)
    {
        foreach (var named in scope.Named)
        {
            if (named.TryGetValue(name, out var workflow)) return workflow;
        }
        return null;
    }

    /// <summary>A named workflow that runs itself, directly or through others, would nest forever.</summary>
    private void CheckCycles()
    {
        var calls = _calls.Where(c => c.Caller is not null).ToLookup(c => c.Caller!, ReferenceEqualityComparer.Instance);
        var state = new Dictionary<WorkflowDefinition, bool>(ReferenceEqualityComparer.Instance); // false: on the stack, true: done
        var stack = new List<WorkflowDefinition>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        void Visit(WorkflowDefinition workflow)
        {
            state[workflow] = false;
            stack.Add(workflow);
            foreach (var call in calls[workflow])
            {
                if (!state.TryGetValue(call.Callee, out var done))
                {
                    Visit(call.Callee);
                }
                else if (!done)
                {
                    var from = stack.FindIndex(w => ReferenceEquals(w, call.Callee));
                    var cycle = stack.Skip(from).Select(w => _namedDisplay.GetValueOrDefault(w, w.Name)).ToList();
                    if (reported.Add(Canonical(cycle)))
                    {
                        Error(call.Path, $"named workflows call each other in a cycle: {string.Join(" → ", cycle.Append(cycle[0]))}; " +
                            "a workflow cannot run itself, directly or through others (use a loop workflow to repeat work)");
                    }
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[workflow] = true;
        }

        foreach (var workflow in _namedDisplay.Keys)
        {
            if (!state.ContainsKey(workflow)) Visit(workflow);
        }
    }

    // The same cycle found from another start is the same problem: compare rotations.
    private static string Canonical(List<string> cycle)
    {
        var start = Enumerable.Range(0, cycle.Count)
            .OrderBy(i => string.Join("\u0001", cycle.Skip(i).Concat(cycle.Take(i))), StringComparer.Ordinal)
            .First();
        return string.Join("\u0001", cycle.Skip(start).Concat(cycle.Take(start)));
    }
}
