using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Reads the JSON form of a workflow into the model, reporting every structural problem (types,
/// unknown keys, missing keys, bad values) into the context instead of stopping at the first. Semantic
/// checks that also apply to definitions built in code are the validator's.
/// </summary>
internal sealed partial class DefinitionReader(ParseContext context)
{
    public const string DefaultWorkflowName = "custom-workflow";

    /// <summary>The spec's template parameter name; a document that is only <c>{"workflow_config": {...}}</c> is unwrapped.</summary>
    private const string TemplateWrapperKey = "workflow_config";

    private static readonly string[] WorkflowKeys =
    [
        "name", "description", "type", "steps", "branches", "loop", "config", "workflows",
        // The spec's parallel type_config keeps these at top level.
        "max_concurrency", "fail_fast", "timeout", "continue_on_optional_failure",
    ];

    private static readonly (string Name, WorkflowType Value)[] WorkflowTypes =
    [
        ("sequential", WorkflowType.Sequential),
        ("parallel", WorkflowType.Parallel),
        ("conditional", WorkflowType.Conditional),
        ("loop", WorkflowType.Loop),
    ];

    private static readonly (string Name, ErrorStrategy Value)[] ErrorStrategies =
    [
        ("fail_fast", ErrorStrategy.FailFast),
        ("continue", ErrorStrategy.Continue),
        ("retry", ErrorStrategy.Retry),
    ];

    private static readonly (string Name, ConditionalMode Value)[] ConditionalModes =
    [
        ("first_match", ConditionalMode.FirstMatch),
        ("all_matches", ConditionalMode.AllMatches),
    ];

    public WorkflowDefinition? ReadRoot(JsonNode? node)
    {
        var path = JsonPath.Root;
        if (node is JsonObject { Count: 1 } wrapper && wrapper.ContainsKey(TemplateWrapperKey))
        {
            path = path.Property(TemplateWrapperKey);
            node = wrapper[TemplateWrapperKey];
        }
        if (node is not JsonObject obj)
        {
            context.Error(path, $"a workflow definition must be an object with 'steps' (or 'branches'), got {JsonPaths.KindOf(node)}");
            return null;
        }
        return ReadWorkflow(obj, path, DefaultWorkflowName);
    }

    private WorkflowDefinition ReadWorkflow(JsonObject obj, JsonPath path, string defaultName)
    {
        var r = new JsonObjectReader(obj, path, context);
        var name = r.String("name") ?? defaultName;
        var description = r.String("description");
        var type = ReadEnum(r, "type", "workflow type", WorkflowTypes, TypeHint) ?? WorkflowType.Sequential;
        var hasSteps = r.Has("steps");
        var stepsArray = r.Array("steps");
        var hasBranches = r.Has("branches");
        var branchesArray = r.Array("branches");
        var loopObject = r.ObjectValue("loop");
        var config = ReadConfig(r);
        var workflows = ReadNamedWorkflows(r);

        IReadOnlyList<StepDefinition> steps = [];
        IReadOnlyList<BranchDefinition> branches = [];
        switch (type)
        {
            case WorkflowType.Sequential or WorkflowType.Loop:
                if (!hasSteps) context.Error(r.PathOf("steps"), "workflow_config must contain 'steps' array");
                else if (stepsArray is not null) steps = ReadSteps(stepsArray, r.PathOf("steps"), "step-");
                if (hasBranches)
                    context.Error(r.PathOf("branches"),
                        $"a {Name(type)} workflow runs 'steps'; 'branches' are for parallel and conditional workflows (set \"type\" or move the steps)");
                break;
            case WorkflowType.Parallel:
                if (hasSteps && hasBranches)
                    context.Error(r.PathOf("steps"), "a parallel workflow takes 'steps' (one branch per step) or 'branches', not both; keep one");
                else if (stepsArray is not null) branches = BranchPerStep(ReadSteps(stepsArray, r.PathOf("steps"), "step-"));
                if (branchesArray is not null) branches = ReadBranches(branchesArray, r.PathOf("branches"), type);
                break;
            case WorkflowType.Conditional:
                if (hasSteps)
                    context.Error(r.PathOf("steps"),
                        "a conditional workflow routes to 'branches'; put these steps in a branch with a 'condition' (or \"default\": true)");
                if (branchesArray is not null) branches = ReadBranches(branchesArray, r.PathOf("branches"), type);
                break;
        }
        var loop = loopObject is null ? null : ReadLoop(loopObject, r.PathOf("loop"));
        if (type == WorkflowType.Loop && loopObject is null && !r.Has("loop"))
            context.Error(r.PathOf("loop"), "a loop workflow needs a 'loop' object with one of 'range', 'for_each' or 'while'");

        r.ReportUnknownKeys(WorkflowKeys);
        var workflow = new WorkflowDefinition
        {
            Name = name,
            Description = description,
            Type = type,
            Steps = steps,
            Branches = branches,
            Loop = loop,
            Config = config,
            Workflows = workflows,
        };
        context.Paths.Node(workflow, path);
        return workflow;
    }

    private static string? TypeHint(string value) =>
        value.Equals("hybrid", StringComparison.OrdinalIgnoreCase)
            ? "'hybrid' is the template's execution_mode; the workflow type is 'conditional'"
            : null;

    // As the spec's parallel mode: each step becomes a branch of its own, named after the step.
    private List<BranchDefinition> BranchPerStep(IReadOnlyList<StepDefinition> steps)
    {
        var branches = new List<BranchDefinition>();
        foreach (var step in steps)
        {
            var branch = new BranchDefinition { Name = step.Name, Steps = [step] };
            if (context.Paths.NodePath(step) is { } stepPath) context.Paths.Node(branch, stepPath);
            context.Paths.MarkDerived(branch);
            branches.Add(branch);
        }
        return branches;
    }

    private IReadOnlyDictionary<string, WorkflowDefinition> ReadNamedWorkflows(JsonObjectReader r)
    {
        var obj = r.ObjectValue("workflows");
        var named = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        if (obj is null) return named;
        foreach (var (key, value) in obj)
        {
            var path = r.PathOf("workflows").Property(key);
            if (key.Length == 0)
            {
                context.Error(path, "a named workflow needs a non-empty name");
                continue;
            }
            if (value is not JsonObject workflow)
            {
                context.Error(path, $"workflow '{key}' must be an object (a workflow definition), got {JsonPaths.KindOf(value)}");
                continue;
            }
            named[key] = ReadWorkflow(workflow, path, key);
        }
        return named;
    }

    private WorkflowConfig ReadConfig(JsonObjectReader workflow)
    {
        var configObject = workflow.ObjectValue("config");
        var c = configObject is null ? null : new JsonObjectReader(configObject, workflow.PathOf("config"), context);
        var fields = new List<(string Field, JsonPath Path)>();

        var (timeout, timeoutKey) = c?.Duration("timeout_s", "timeout_ms") ?? (null, null);
        if (timeoutKey is not null) fields.Add(("timeout_s", c!.PathOf(timeoutKey)));
        if (workflow.Has("timeout"))
        {
            // The spec's parallel type_config: "timeout": seconds, or null for the default.
            if (timeoutKey is not null) context.Error(workflow.PathOf("timeout"), $"the timeout is set both here and in config.{timeoutKey}; keep one");
            else if (workflow.Seconds("timeout") is { } t)
            {
                timeout = t;
                fields.Add(("timeout_s", workflow.PathOf("timeout")));
            }
        }
        else
        {
            workflow.Node("timeout");
        }

        var (stepTimeout, stepTimeoutKey) = c?.Duration("step_timeout_s", "step_timeout_ms") ?? (null, null);
        if (stepTimeoutKey is not null) fields.Add(("step_timeout_s", c!.PathOf(stepTimeoutKey)));
        var errorStrategy = c is null ? null : ReadEnum(c, "error_strategy", "error_strategy", ErrorStrategies);
        var mode = c is null ? null : ReadEnum(c, "mode", "conditional mode", ConditionalModes);
        var retry = c is null ? null : ReadRetry(c);
        var maxConcurrency = Either(workflow, c, "max_concurrency", fields, (r, k) => r.Int(k));
        var failFast = Either(workflow, c, "fail_fast", fields, (r, k) => r.Bool(k));
        var continueOnOptional = Either(workflow, c, "continue_on_optional_failure", fields, (r, k) => r.Bool(k));
        c?.ReportUnknownKeys(
        [
            "timeout_s", "timeout_ms", "step_timeout_s", "step_timeout_ms", "error_strategy", "max_concurrency",
            "fail_fast", "continue_on_optional_failure", "mode", "retry",
        ]);

        if (configObject is null && fields.Count == 0) return WorkflowConfig.Default;
        var defaults = WorkflowConfig.Default;
        var config = new WorkflowConfig
        {
            Timeout = timeout ?? defaults.Timeout,
            StepTimeout = stepTimeout ?? defaults.StepTimeout,
            ErrorStrategy = errorStrategy ?? defaults.ErrorStrategy,
            Retry = retry ?? defaults.Retry,
            MaxConcurrency = maxConcurrency ?? defaults.MaxConcurrency,
            FailFast = failFast ?? defaults.FailFast,
            ContinueOnOptionalFailure = continueOnOptional ?? defaults.ContinueOnOptionalFailure,
            ConditionalMode = mode ?? defaults.ConditionalMode,
        };
        if (c is not null) context.Paths.Node(config, c.Path);
        foreach (var (field, path) in fields) context.Paths.Field(config, field, path);
        if (retry is not null) context.Paths.Field(config, "retry", c!.PathOf("retry"));
        return config;
    }

    // A setting the spec's parallel type_config has at top level and that also belongs in 'config'.
    private T? Either<T>(JsonObjectReader workflow, JsonObjectReader? config, string key, List<(string, JsonPath)> fields,
        Func<JsonObjectReader, string, T?> read) where T : struct
    {
        var inConfig = config is not null && config.Has(key);
        if (workflow.Has(key) && inConfig)
        {
            workflow.Node(key);
            context.Error(workflow.PathOf(key), $"{key} is set both here and in config; keep one");
        }
        var source = inConfig ? config! : workflow;
        var value = read(source, key);
        if (value is not null) fields.Add((key, source.PathOf(key)));
        return value;
    }

    /// <summary>Reads an enum given as text; matching ignores case, '_' and '-' (FailFast, fail-fast and fail_fast are one).</summary>
    private T? ReadEnum<T>(JsonObjectReader r, string key, string what, (string Name, T Value)[] values,
        Func<string, string?>? extraHint = null) where T : struct
    {
        var text = r.String(key);
        if (text is null) return null;
        var value = MatchEnum(text, values);
        if (value is not null) return value;
        var names = values.Select(v => v.Name).ToArray();
        var hint = extraHint?.Invoke(text) is { } extra ? "; " + extra : DidYouMean.Hint(text, names);
        context.Error(r.PathOf(key), $"unknown {what} '{text}'; use one of: {string.Join(", ", names)}{hint}");
        return null;
    }

    private static T? MatchEnum<T>(string text, (string Name, T Value)[] values) where T : struct
    {
        foreach (var (name, value) in values)
        {
            if (SameName(text, name)) return value;
        }
        return null;
    }

    // Compared in place: every step's kind is matched, and normalized copies were a quarter of a large parse's garbage.
    private static bool SameName(string a, string b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && a[i] is '_' or '-') i++;
            while (j < b.Length && b[j] is '_' or '-') j++;
            if (i == a.Length || j == b.Length) return i == a.Length && j == b.Length;
            if (char.ToLowerInvariant(a[i++]) != char.ToLowerInvariant(b[j++])) return false;
        }
    }

    private static string Name(WorkflowType type) => WorkflowTypes.First(t => t.Value == type).Name;
}
