using System.Collections.Immutable;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions.Parsing;

namespace LlmSpell.Workflows.Definitions.Validation;

/// <summary>
/// One walk over a definition that collects every semantic problem. Paths come from the parser's
/// <see cref="SourcePaths"/> when there are any, else are synthesized from the model's positions.
/// </summary>
internal sealed partial class ValidationPass(SourcePaths? paths, IToolRegistry? tools = null)
{
    private readonly List<ValidationError> _errors = [];

    /// <summary>Where the walk is: the named workflows in reach, whose tree it is in, and the loop and branch around it.</summary>
    private sealed record Scope(
        ImmutableList<IReadOnlyDictionary<string, WorkflowDefinition>> Named,
        WorkflowDefinition? Owner,
        bool InLoop,
        bool InBranch,
        int Depth)
    {
        public static readonly Scope Root = new([], null, false, false, 0);

        /// <summary>The scope of a workflow written inside this one (inline, or under 'workflows').</summary>
        public Scope Nested => this with { Depth = Depth + 1 };
    }

    public IReadOnlyList<ValidationError> Run(WorkflowDefinition root)
    {
        CollectStepNames(root, new HashSet<WorkflowDefinition>(ReferenceEqualityComparer.Instance));
        Workflow(root, At(root, JsonPath.Root), Scope.Root);
        CheckScopedReferences();
        CheckCycles();
        return _errors;
    }

    private void Error(JsonPath path, string message) => _errors.Add(new ValidationError(path.ToString(), message));

    private JsonPath At(object node, JsonPath synthesized) => paths?.NodePath(node) ?? synthesized;

    /// <summary>As <see cref="At(object, JsonPath)"/> for an item of a list; its path is made only when the parser kept none.</summary>
    private JsonPath At(object node, JsonPath list, int index) => paths?.NodePath(node) ?? list.Index(index);

    private JsonPath FieldAt(object node, string field, JsonPath basePath) =>
        paths?.FieldPath(node, field) ?? basePath.Property(field);

    private void Workflow(WorkflowDefinition workflow, JsonPath path, Scope scope)
    {
        if (scope.Depth > DefinitionLimits.MaxNesting)
        {
            // Deeper nesting is refused here, not at run time, where the stored definition and the chain of coordinators would grow without bound.
            Error(path, $"workflows are nested more than {DefinitionLimits.MaxNesting} deep here; flatten the nesting, or move repeated parts into a loop or into named workflows under 'workflows' called by name");
            return;
        }
        var inner = workflow.Workflows.Count > 0 ? scope with { Named = scope.Named.Insert(0, workflow.Workflows) } : scope;
        if (string.IsNullOrWhiteSpace(workflow.Name)) Error(path.Property("name"), "the workflow name must not be empty");
        Structure(workflow, path);
        Config(workflow.Config, path);
        UniqueStepNames(workflow, path);

        var stepScope = workflow.Type == WorkflowType.Loop ? inner with { InLoop = true } : inner;
        var stepsPath = path.Property("steps");
        for (var i = 0; i < workflow.Steps.Count; i++)
        {
            var step = workflow.Steps[i];
            Step(step, At(step, stepsPath, i), stepScope);
        }
        var branchesPath = path.Property("branches");
        for (var i = 0; i < workflow.Branches.Count; i++)
        {
            var branch = workflow.Branches[i];
            Branch(branch, At(branch, branchesPath, i), workflow.Type, inner);
        }
        if (workflow.Loop is { } loop) Loop(loop, At(loop, path.Property("loop")), inner);
        NamedWorkflows(workflow, path, inner);
    }

    private void Structure(WorkflowDefinition workflow, JsonPath path)
    {
        var type = TypeName(workflow.Type);
        var stepsPath = path.Property("steps");
        var branchesPath = path.Property("branches");
        switch (workflow.Type)
        {
            case WorkflowType.Sequential or WorkflowType.Loop:
                if (workflow.Steps.Count == 0) Error(stepsPath, "workflow must have at least one step");
                if (workflow.Branches.Count > 0)
                    Error(branchesPath, $"a {type} workflow runs 'steps'; 'branches' are for parallel and conditional workflows");
                break;
            case WorkflowType.Parallel:
                // Steps without branches run as one branch per step (the engine's and the template's rule).
                if (workflow.Branches.Count == 0 && workflow.Steps.Count == 0)
                    Error(branchesPath, "a parallel workflow needs at least one branch; add 'branches', or 'steps' for one branch per step");
                if (workflow.Steps.Count > 0 && workflow.Branches.Count > 0)
                    Error(stepsPath, "a parallel workflow runs 'branches'; put these steps into branches (or drop 'branches' for one branch per step)");
                break;
            case WorkflowType.Conditional:
                if (workflow.Branches.Count == 0)
                    Error(branchesPath, "a conditional workflow needs at least one branch; add \"branches\": [{\"condition\": ..., \"steps\": [...]}]");
                if (workflow.Steps.Count > 0) Error(stepsPath, "a conditional workflow routes to 'branches'; put these steps in a branch");
                DefaultBranches(workflow, path);
                break;
        }
        var loopPath = workflow.Loop is null ? path.Property("loop") : At(workflow.Loop, path.Property("loop"));
        if (workflow.Type == WorkflowType.Loop && workflow.Loop is null)
            Error(loopPath, "a loop workflow needs a 'loop' object with one of 'range', 'for_each' or 'while'");
        if (workflow.Type != WorkflowType.Loop && workflow.Loop is not null)
            Error(loopPath, $"'loop' is only for workflows of type loop, and this one is {type}; set \"type\": \"loop\" or remove it");
    }

    private void DefaultBranches(WorkflowDefinition workflow, JsonPath path)
    {
        string? first = null;
        for (var i = 0; i < workflow.Branches.Count; i++)
        {
            var branch = workflow.Branches[i];
            if (!branch.IsDefault) continue;
            var branchPath = At(branch, path.Property("branches"), i);
            if (first is null) first = $"'{workflow.Branches.First(b => b.IsDefault).Name}' ({branchPath})";
            else Error(FieldAt(branch, "default", branchPath), $"only one branch can be the default, and {first} already is; remove \"default\": true from one of them");
        }
    }

    private void Config(WorkflowConfig config, JsonPath workflowPath)
    {
        var path = At(config, workflowPath.Property("config"));
        Timeout(config.Timeout, FieldAt(config, "timeout_s", path));
        Timeout(config.StepTimeout, FieldAt(config, "step_timeout_s", path));
        if (config.MaxConcurrency < 1)
            Error(FieldAt(config, "max_concurrency", path), $"max_concurrency must be at least 1, got {config.MaxConcurrency}");
        AtMost(config.MaxConcurrency, DefinitionLimits.MaxConcurrency, FieldAt(config, "max_concurrency", path));
        Retry(config.Retry, FieldAt(config, "retry", path));
    }

    private void Retry(RetryPolicy? retry, JsonPath path)
    {
        if (retry is null) return;
        path = At(retry, path);
        if (retry.MaxAttempts < 1)
            Error(path.Property("max_attempts"), $"max_attempts must be at least 1 (it counts the first attempt), got {retry.MaxAttempts}");
        AtMost(retry.MaxAttempts, DefinitionLimits.MaxAttempts, path.Property("max_attempts"));
        if (retry.InitialBackoff < TimeSpan.Zero)
            Error(path.Property("initial_backoff_ms"), $"initial_backoff_ms cannot be negative, got {retry.InitialBackoff.TotalMilliseconds}");
        TimerCanWait(retry.InitialBackoff, path.Property("initial_backoff_ms"));
        if (retry.MaxBackoff < retry.InitialBackoff)
            Error(path.Property("max_backoff_ms"),
                $"max_backoff_ms ({retry.MaxBackoff.TotalMilliseconds}) is less than initial_backoff_ms ({retry.InitialBackoff.TotalMilliseconds}); raise it");
        else TimerCanWait(retry.MaxBackoff, path.Property("max_backoff_ms"));
        // Written so that NaN (possible from code) fails too.
        if (!(retry.Multiplier >= 1))
            Error(path.Property("multiplier"), $"multiplier must be at least 1 (backoff does not shrink), got {retry.Multiplier}");
        AtMost(retry.Multiplier, DefinitionLimits.MaxMultiplier, path.Property("multiplier"));
        if (!(retry.Jitter is >= 0 and <= 1))
            Error(path.Property("jitter"), $"jitter is a fraction between 0 and 1, got {retry.Jitter}");
    }

    /// <summary>Timeouts must be above zero and within what a timer can wait; the message uses the unit of the key the user wrote.</summary>
    private void Timeout(TimeSpan? value, JsonPath path)
    {
        if (value is not { } v) return;
        if (v <= TimeSpan.Zero) Error(path, $"{path.LastKey} must be greater than 0, got {Shown(v, path)}");
        else TimerCanWait(v, path);
    }

    private void TimerCanWait(TimeSpan value, JsonPath path)
    {
        if (value <= DefinitionLimits.MaxDuration) return;
        Error(path, $"{path.LastKey} must be at most {Shown(DefinitionLimits.MaxDuration, path)} (about 49.7 days, the longest a timer can wait), got {Shown(value, path)}");
    }

    private static string Shown(TimeSpan value, JsonPath path) =>
        path.LastKey.EndsWith("_ms", StringComparison.Ordinal) ? $"{value.TotalMilliseconds} ms" : $"{value.TotalSeconds} s";

    private void AtMost(double value, double max, JsonPath path)
    {
        if (value > max) Error(path, $"{path.LastKey} must be at most {max}, got {value}");
    }

    private void Branch(BranchDefinition branch, JsonPath path, WorkflowType type, Scope scope)
    {
        if (string.IsNullOrWhiteSpace(branch.Name)) Error(path.Property("name"), "the branch name must not be empty");
        if (branch.Steps.Count == 0) Error(FieldAt(branch, "steps", path), "branch must have at least one step");
        if (type == WorkflowType.Parallel)
        {
            if (branch.Condition is not null)
                Error(path.Property("condition"), "parallel branches all run; 'condition' is for branches of a conditional workflow");
            if (branch.IsDefault)
                Error(path.Property("default"), "parallel branches all run; 'default' is for branches of a conditional workflow");
        }
        if (type == WorkflowType.Conditional)
        {
            if (branch.Condition is null && !branch.IsDefault)
                Error(path.Property("condition"), $"branch '{branch.Name}' has no condition; add a 'condition', or mark it \"default\": true");
            if (branch.Condition is not null && branch.IsDefault)
                Error(path.Property("condition"), "the default branch is taken when no other matches, so it has no condition; remove 'condition' or 'default'");
        }
        Timeout(branch.Timeout, FieldAt(branch, "timeout_s", path));
        if (branch.Condition is { } condition)
            Condition(condition, path.Property("condition"), scope, classifyAllowed: type == WorkflowType.Conditional);

        var stepScope = scope with { InBranch = true };
        var stepsPath = path.Property("steps");
        for (var i = 0; i < branch.Steps.Count; i++)
        {
            var step = branch.Steps[i];
            Step(step, At(step, stepsPath, i), stepScope);
        }
    }

    private void Loop(LoopSpec loop, JsonPath path, Scope scope)
    {
        var body = scope with { InLoop = true };
        switch (loop.Iterator)
        {
            case RangeIterator range when range.Step == 0:
                Error(path.Property("range").Property("step"),
                    "range step cannot be 0 (the loop would never advance); use a positive step, or a negative one to count down");
                break;
            case ForEachIterator forEach:
                var forEachPath = path.Property("for_each");
                if (forEach.Items is null && forEach.Source is null)
                    Error(forEachPath, "for_each needs the items: an array, or a path to one such as \"input.items\"");
                if (forEach.Items is not null && forEach.Source is not null)
                    Error(forEachPath, "for_each has both literal items and a source path; keep one");
                // The collection is read before the first iteration, so loop.* is not available to it.
                if (forEach.Source is { } source) Reference(source, forEachPath, scope);
                break;
            case WhileIterator @while:
                Condition(@while.Condition, path.Property("while"), body, classifyAllowed: false);
                break;
        }
        if (loop.BreakWhen is { } breakWhen) Condition(breakWhen, path.Property("break_when"), body, classifyAllowed: false);
        if (loop.MaxIterations < 1)
            Error(path.Property("max_iterations"), $"max_iterations must be at least 1, got {loop.MaxIterations}");
        AtMost(loop.MaxIterations, DefinitionLimits.MaxIterations, path.Property("max_iterations"));
        if (loop.Aggregation is LoopAggregation.FirstN or LoopAggregation.LastN)
        {
            var key = loop.Aggregation == LoopAggregation.FirstN ? "first_n" : "last_n";
            var countPath = path.Property("aggregation").Property(key);
            if (loop.AggregationCount < 1) Error(countPath, $"{key} must be at least 1, got {loop.AggregationCount}");
            AtMost(loop.AggregationCount, DefinitionLimits.MaxIterations, countPath);
        }
        if (loop.DelayBetweenIterations < TimeSpan.Zero)
            Error(path.Property("delay_ms"), $"delay_ms cannot be negative, got {loop.DelayBetweenIterations.TotalMilliseconds}");
        TimerCanWait(loop.DelayBetweenIterations, path.Property("delay_ms"));
    }

    private static string TypeName(WorkflowType type) => type.ToString().ToLowerInvariant();
}
