using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

internal sealed partial class DefinitionReader
{
    private static readonly string[] BranchKeys =
        ["name", "description", "steps", "required", "optional", "condition", "default", "timeout_s", "timeout_ms"];

    private List<BranchDefinition> ReadBranches(JsonArray array, JsonPath path, WorkflowType type)
    {
        var branches = new List<BranchDefinition>();
        for (var i = 0; i < array.Count; i++)
        {
            var branchPath = path.Index(i);
            if (array[i] is not JsonObject obj)
            {
                context.Error(branchPath, $"a branch must be an object like {{\"name\": \"...\", \"steps\": [...]}}, got {JsonPaths.KindOf(array[i])}");
                continue;
            }
            branches.Add(ReadBranch(obj, branchPath, $"branch-{i + 1}", type));
        }
        return branches;
    }

    private BranchDefinition ReadBranch(JsonObject obj, JsonPath path, string defaultName, WorkflowType type)
    {
        var r = new JsonObjectReader(obj, path, context);
        var name = r.String("name") ?? defaultName;
        var description = r.String("description");
        var stepsArray = r.Array("steps");
        if (!r.Has("steps"))
            context.Error(r.PathOf("steps"), "branch must contain 'steps' array");
        // Branch steps default to "<branch>-step-N": plain step-N would clash between branches of one workflow.
        var steps = stepsArray is null ? [] : ReadSteps(stepsArray, r.PathOf("steps"), name + "-step-");

        var required = r.Bool("required");
        var optional = r.Bool("optional");
        if (required is not null && optional is not null && required == optional)
            context.Error(r.PathOf("optional"), $"required: {Lower(required.Value)} and optional: {Lower(optional.Value)} contradict each other; keep one");
        if (type == WorkflowType.Conditional && (required is not null || optional is not null))
        {
            var key = required is not null ? "required" : "optional";
            context.Error(r.PathOf(key), $"'{key}' is for parallel branches; a conditional branch runs only when it is chosen");
        }

        var condition = r.Has("condition") ? ReadCondition(r.Node("condition"), r.PathOf("condition")) : null;
        r.Node("condition");
        var isDefault = r.Bool("default") ?? false;
        var (timeout, timeoutKey) = r.Duration("timeout_s", "timeout_ms");
        r.ReportUnknownKeys(BranchKeys);

        var branch = new BranchDefinition
        {
            Name = name,
            Description = description,
            Steps = steps,
            Required = required ?? (optional is { } o ? !o : true),
            Condition = condition,
            IsDefault = isDefault,
            Timeout = timeout,
        };
        context.Paths.Node(branch, path);
        if (timeoutKey is not null) context.Paths.Field(branch, "timeout_s", r.PathOf(timeoutKey));
        return branch;
    }

    private static string Lower(bool value) => value ? "true" : "false";
}
