using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions.Parsing;

namespace LlmSpell.Workflows.Definitions.Validation;

internal sealed partial class ValidationPass
{
    // Characters that end a name inside a reference (steps.NAME.output), so a step named with them cannot be referenced.
    private static readonly char[] ReferenceBreakers = ['.', '[', ']', '{', '}'];

    private void Step(StepDefinition step, JsonPath path, Scope scope)
    {
        var namePath = path.Property("name");
        if (string.IsNullOrWhiteSpace(step.Name)) Error(namePath, "the step name must not be empty");
        else if (step.Name.IndexOfAny(ReferenceBreakers) >= 0 || step.Name.Any(char.IsWhiteSpace))
            Error(namePath, $"step name '{step.Name}' cannot be used in references (steps.NAME.output); use letters, digits, '-' and '_'");

        KindMismatch(step, path);
        switch (step.Kind)
        {
            case StepKind.Agent when step.Agent is { } agent:
                Text(agent.Input, FieldAt(agent, "input", path), scope);
                if (agent.Temperature is < 0 or > 2)
                    Error(FieldAt(agent, "temperature", path), $"temperature must be between 0 and 2, got {agent.Temperature}");
                if (agent.MaxTokens is < 1)
                    Error(FieldAt(agent, "max_tokens", path), $"max_tokens must be at least 1, got {agent.MaxTokens}");
                if (agent.MaxTokens is { } maxTokens) AtMost(maxTokens, DefinitionLimits.MaxTokens, FieldAt(agent, "max_tokens", path));
                break;
            case StepKind.Tool when step.Tool is { } tool:
                Json(tool.Parameters, FieldAt(tool, "parameters", path), scope);
                KnownTool(tool, path);
                break;
            case StepKind.Workflow:
                WorkflowStep(step, path, scope);
                break;
            case StepKind.Wait:
                var wait = step.Wait;
                if (wait is null || string.IsNullOrWhiteSpace(wait.Signal))
                    Error(wait is null ? path.Property("signal") : FieldAt(wait, "signal", path),
                        "a wait step needs a 'signal': the name of the signal the run waits for, e.g. \"signal\": \"approved\"");
                if (wait is not null) Timeout(wait.Timeout, FieldAt(wait, "timeout_s", path));
                break;
        }
        // Most steps set neither: no path for them.
        if (step.Retry is not null) Retry(step.Retry, FieldAt(step, "retry", path));
        if (step.Timeout is not null) Timeout(step.Timeout, FieldAt(step, "timeout_s", path));
    }

    // A step that names no tool is resolved by its name or by a model at run time; one that names a tool must find it.
    private void KnownTool(ToolStepSpec tool, JsonPath path)
    {
        if (tools is null || string.IsNullOrWhiteSpace(tool.ToolName) || tools.Find(tool.ToolName.Trim()) is not null) return;
        var names = tools.Names();
        Error(FieldAt(tool, "tool", path),
            $"unknown tool '{tool.ToolName}'{DidYouMean.Sentence(tool.ToolName.Trim(), names)} Available tools: {(names.Count == 0 ? "none" : string.Join(", ", names))} (see 'llmspell tool list')");
    }

    // Only reachable from code: the parser fills exactly the spec of the step's kind.
    private void KindMismatch(StepDefinition step, JsonPath path)
    {
        // Checked before anything is allocated: every step passes this way.
        if ((step.Agent is null || step.Kind == StepKind.Agent) && (step.Tool is null || step.Kind == StepKind.Tool)
            && (step.Workflow is null || step.Kind == StepKind.Workflow) && (step.Wait is null || step.Kind == StepKind.Wait))
        {
            return;
        }
        var others = new (string Name, object? Spec, StepKind Kind)[]
        {
            ("Agent", step.Agent, StepKind.Agent),
            ("Tool", step.Tool, StepKind.Tool),
            ("Workflow", step.Workflow, StepKind.Workflow),
            ("Wait", step.Wait, StepKind.Wait),
        }.Where(s => s.Spec is not null && s.Kind != step.Kind).Select(s => s.Name).ToArray();
        if (others.Length > 0)
            Error(path.Property("step_type"),
                $"step '{step.Name}' is of kind {step.Kind} but has {string.Join(" and ", others)} details; set Kind to match or remove them");
    }

    private void UniqueStepNames(WorkflowDefinition workflow, JsonPath path)
    {
        var seen = new Dictionary<string, JsonPath>(StringComparer.Ordinal);
        void Check(StepDefinition step, JsonPath stepPath)
        {
            if (string.IsNullOrWhiteSpace(step.Name)) return;
            if (seen.TryGetValue(step.Name, out var first))
                Error(stepPath.Property("name"),
                    $"duplicate step name '{step.Name}' (also at {first}); step names must be unique within a workflow because references name them (steps.{step.Name}.output)");
            else seen[step.Name] = stepPath;
        }
        var stepsPath = path.Property("steps");
        for (var i = 0; i < workflow.Steps.Count; i++)
            Check(workflow.Steps[i], At(workflow.Steps[i], stepsPath, i));

        var branchNames = new Dictionary<string, JsonPath>(StringComparer.Ordinal);
        for (var b = 0; b < workflow.Branches.Count; b++)
        {
            var branch = workflow.Branches[b];
            var branchPath = At(branch, path.Property("branches"), b);
            // A branch the parser made from a parallel step has the step's name, which the step check covers.
            if (paths?.IsDerived(branch) != true && !string.IsNullOrWhiteSpace(branch.Name))
            {
                if (branchNames.TryGetValue(branch.Name, out var first))
                    Error(branchPath.Property("name"), $"duplicate branch name '{branch.Name}' (also at {first}); give each branch its own name");
                else branchNames[branch.Name] = branchPath;
            }
            var branchStepsPath = branchPath.Property("steps");
            for (var i = 0; i < branch.Steps.Count; i++)
                Check(branch.Steps[i], At(branch.Steps[i], branchStepsPath, i));
        }
    }

    /// <summary>
    /// Every step name in the whole definition: a nested workflow's outputs merge into its parent's
    /// scope, and a nested workflow sees its parent's, so any of them may be referenced.
    /// </summary>
    private void CollectStepNames(WorkflowDefinition workflow, HashSet<WorkflowDefinition> seen)
    {
        if (!seen.Add(workflow)) return;
        foreach (var step in workflow.OwnSteps)
        {
            if (!string.IsNullOrWhiteSpace(step.Name) && _stepNames.Add(step.Name)) _stepNameList.Add(step.Name);
            if (step.Workflow?.Inline is { } inline) CollectStepNames(inline, seen);
        }
        foreach (var named in workflow.Workflows.Values) CollectStepNames(named, seen);
    }

    private readonly HashSet<string> _stepNames = new(StringComparer.Ordinal);
    private readonly List<string> _stepNameList = [];
}
