using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Templates.Parameters;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Templates.WorkflowOrchestrator;

/// <summary>
/// What the orchestrator runs: the <c>workflow_config</c> read as a workflow definition, shaped by the execution mode,
/// cut to <c>max_steps</c>, with every agent step given its agent (<c>workflow-agent-N</c>) and model.
/// </summary>
public sealed record OrchestrationPlan
{
    public required WorkflowDefinition Definition { get; init; }
    public required ExecutionMode Mode { get; init; }

    /// <summary>Steps in the workflow_config (its own steps and branch steps).</summary>
    public required int ConfiguredSteps { get; init; }

    /// <summary>Steps left after <c>max_steps</c>.</summary>
    public required int PlannedSteps { get; init; }

    /// <summary>Agent step name → the agent that runs it (<c>workflow-agent-N</c>, or a configured agent's id).</summary>
    public required IReadOnlyDictionary<string, string> Agents { get; init; }

    /// <summary>Step names in definition order (nested workflows depth-first), for ordering results.</summary>
    public required IReadOnlyList<string> StepOrder { get; init; }

    /// <summary>Step name → its description (the name when it has none).</summary>
    public required IReadOnlyDictionary<string, string> Descriptions { get; init; }

    /// <summary>Things the user should know about how the config was read (steps cut by max_steps, agents not configured).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    internal const string Parameter = "workflow_config";

    /// <summary>Builds the plan; every problem with the config is reported at once as a <see cref="TemplateParameterException"/>.</summary>
    public static OrchestrationPlan Build(string templateId, JsonObject workflowConfig, ExecutionMode mode, bool modeGiven, int maxSteps,
        string model, Func<string, bool> isAgentConfigured)
    {
        var config = (JsonObject)workflowConfig.DeepClone();
        // The parameter may be given as the whole {"workflow_config": {...}} document.
        if (config.Count == 1 && config[Parameter] is JsonObject inner) config = (JsonObject)inner.DeepClone();

        var hasSteps = config["steps"] is not null;
        var hasBranches = config["branches"] is not null;
        // The spec's checks first, with its texts.
        if (!hasSteps && !hasBranches) throw Problem(templateId, "workflow_config must contain 'steps' array");
        if (hasSteps && config["steps"] is not JsonArray)
            throw Problem(templateId, $"workflow_config must contain 'steps' array (its 'steps' is {KindOf(config["steps"])})");
        if (config["steps"] is JsonArray { Count: 0 } && !hasBranches) throw Problem(templateId, "workflow must have at least one step");

        mode = ReconcileMode(templateId, config, mode, modeGiven);
        var notes = new List<string>();
        var configured = CountSteps(config);
        if (configured > maxSteps)
        {
            Truncate(config, maxSteps);
            notes.Add($"workflow_config has {configured} steps and max_steps is {maxSteps}: only the first {maxSteps} run (raise max_steps, up to 100, to run them all)");
        }

        // Steps-only configs are read as a sequence (so error paths point at the steps as written), then shaped by the mode.
        var reshape = !hasBranches && mode is (ExecutionMode.Parallel or ExecutionMode.Hybrid);
        config["type"] = reshape ? "sequential" : TypeName(mode);
        if (mode == ExecutionMode.Loop && config["loop"] is null)
        {
            // The spec's loop: one iteration (range 1..2).
            config["loop"] = new JsonObject { ["range"] = new JsonObject { ["start"] = 1, ["end"] = 2, ["step"] = 1 } };
        }

        WorkflowDefinition parsed;
        try
        {
            parsed = WorkflowParser.Parse(config);
        }
        catch (WorkflowValidationException ex)
        {
            throw new TemplateParameterException(templateId, ex.Errors.Select(e => $"{Located(e.Path)}: {e.Message}").ToArray(), ex.TotalCount);
        }

        // Hybrid routes for real: steps that carry conditional workflows run as written, with their routing; only
        // plain steps get the spec's single default branch.
        if (mode == ExecutionMode.Hybrid && CarriesConditions(parsed)) reshape = false;
        var definition = reshape ? Reshape(parsed, mode, FailFastGiven(config)) : parsed;
        var assigner = new AgentAssigner(model, isAgentConfigured, notes);
        definition = assigner.Assign(definition);
        return new OrchestrationPlan
        {
            Definition = definition,
            Mode = mode,
            ConfiguredSteps = configured,
            PlannedSteps = Math.Min(configured, maxSteps),
            Agents = assigner.Agents,
            StepOrder = assigner.Order,
            Descriptions = assigner.Descriptions,
            Notes = notes,
        };
    }

    private static ExecutionMode ReconcileMode(string templateId, JsonObject config, ExecutionMode mode, bool modeGiven)
    {
        if (config["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type)) return mode;
        if (ExecutionModes.FromTypeName(type) is not { } typeMode) return mode; // the parser reports an unknown type
        if (!modeGiven) return typeMode;
        if (typeMode != mode)
        {
            throw Problem(templateId,
                $"workflow_config.type is '{type}' but execution_mode is '{ExecutionModes.Name(mode)}'; they must agree " +
                $"(drop one of them, or set execution_mode to '{ExecutionModes.Name(typeMode)}')");
        }
        return mode;
    }

    private static string TypeName(ExecutionMode mode) => mode switch
    {
        ExecutionMode.Sequential => "sequential",
        ExecutionMode.Parallel => "parallel",
        ExecutionMode.Hybrid => "conditional",
        _ => "loop",
    };

    private static int CountSteps(JsonObject config) =>
        ((config["steps"] as JsonArray)?.Count ?? 0)
        + ((config["branches"] as JsonArray)?.Sum(b => (b?["steps"] as JsonArray)?.Count ?? 0) ?? 0);

    /// <summary>Keeps the first <paramref name="max"/> steps: of the steps array, else of the branches in order (emptied branches go).</summary>
    private static void Truncate(JsonObject config, int max)
    {
        var left = max;
        if (config["steps"] is JsonArray steps)
        {
            while (steps.Count > left) steps.RemoveAt(steps.Count - 1);
            left -= steps.Count;
        }
        if (config["branches"] is not JsonArray branches) return;
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i]?["steps"] is not JsonArray branchSteps) continue;
            while (branchSteps.Count > left) branchSteps.RemoveAt(branchSteps.Count - 1);
            left -= branchSteps.Count;
            if (branchSteps.Count == 0)
            {
                branches.RemoveAt(i);
                i--;
            }
        }
    }

    private static bool CarriesConditions(WorkflowDefinition workflow) =>
        workflow.Type == WorkflowType.Conditional
        || workflow.OwnSteps.Any(s => s.Workflow?.Inline is { } inline && CarriesConditions(inline))
        || workflow.Workflows.Values.Any(CarriesConditions);

    private static bool FailFastGiven(JsonObject config) => config["fail_fast"] is not null || config["config"]?["fail_fast"] is not null;

    /// <summary>The spec's shapes: parallel, one branch per step (branch-N); hybrid without branches, one default branch of all steps.</summary>
    private static WorkflowDefinition Reshape(WorkflowDefinition sequence, ExecutionMode mode, bool failFastGiven)
    {
        if (mode == ExecutionMode.Parallel)
        {
            return sequence with
            {
                Type = WorkflowType.Parallel,
                Steps = [],
                Branches = sequence.Steps.Select((s, i) => new BranchDefinition { Name = $"branch-{i + 1}", Description = s.Name, Steps = [s] }).ToArray(),
                // The spec's parallel mode collects every branch's result: fail_fast false unless the config says otherwise.
                Config = failFastGiven ? sequence.Config : sequence.Config with { FailFast = false },
            };
        }
        return sequence with
        {
            Type = WorkflowType.Conditional,
            Steps = [],
            Branches = [new BranchDefinition { Name = "default", Description = "all steps", IsDefault = true, Steps = sequence.Steps }],
        };
    }

    private static string Located(string path) => path == "$" ? Parameter : Parameter + path[1..];

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static TemplateParameterException Problem(string templateId, string message) => new(templateId, message);

    /// <summary>
    /// Gives each agent step its agent, as the spec pre-creates them: <c>workflow-agent-N</c> (N the step's 0-based
    /// position) on the template's model — unless the step names a configured agent, whose settings then apply.
    /// </summary>
    private sealed class AgentAssigner(string model, Func<string, bool> isConfigured, List<string> notes)
    {
        private int _position;

        public Dictionary<string, string> Agents { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Descriptions { get; } = new(StringComparer.Ordinal);
        public List<string> Order { get; } = [];

        public WorkflowDefinition Assign(WorkflowDefinition workflow)
        {
            var steps = workflow.Steps.Select(AssignStep).ToArray();
            var branches = workflow.Branches.Select(branch => branch with
            {
                Steps = branch.Steps.Select(AssignStep).ToArray(),
                Condition = branch.Condition is ClassifyCondition { Model: null, AgentId: null } classify ? classify with { Model = model } : branch.Condition,
            }).ToArray();
            var named = workflow.Workflows.ToDictionary(p => p.Key, p => Assign(p.Value), StringComparer.Ordinal);
            return workflow with { Steps = steps, Branches = branches, Workflows = named };
        }

        private StepDefinition AssignStep(StepDefinition step)
        {
            var position = _position++;
            Order.Add(step.Name);
            Descriptions.TryAdd(step.Name, step.DisplayDescription);
            switch (step.Kind)
            {
                case StepKind.Agent:
                    var spec = step.Agent ?? new AgentStepSpec();
                    if (spec.AgentId is { } id && isConfigured(id))
                    {
                        Agents.TryAdd(step.Name, id);
                        return step;
                    }
                    var label = $"workflow-agent-{position}";
                    Agents.TryAdd(step.Name, label);
                    if (spec.AgentId is { } unknown)
                    {
                        notes.Add($"step '{step.Name}': agent_id '{unknown}' is not a configured agent, so it runs as {label} on {spec.Model ?? model} " +
                                  "(add it to the config's \"agents\" to use its own settings)");
                    }
                    return step with { Agent = spec with { AgentId = null, Model = spec.Model ?? model } };
                case StepKind.Workflow when step.Workflow?.Inline is { } inline:
                    return step with { Workflow = step.Workflow with { Inline = Assign(inline) } };
                default:
                    return step;
            }
        }
    }
}
