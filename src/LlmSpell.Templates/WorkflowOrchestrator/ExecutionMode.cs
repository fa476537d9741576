using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Templates.WorkflowOrchestrator;

/// <summary>The template's <c>execution_mode</c>: which workflow pattern runs the steps.</summary>
public enum ExecutionMode
{
    Sequential,
    Parallel,

    /// <summary>Conditional routing (the spec's name for the conditional pattern).</summary>
    Hybrid,
    Loop,
}

/// <summary>The modes' parameter names and their workflow types.</summary>
public static class ExecutionModes
{
    public static IReadOnlyList<string> Names { get; } = ["sequential", "parallel", "hybrid", "loop"];

    public static string Name(ExecutionMode mode) => Names[(int)mode];

    /// <summary>The mode named <paramref name="name"/> (ignoring case), or null.</summary>
    public static ExecutionMode? TryParse(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name.Trim(), StringComparison.OrdinalIgnoreCase)) return (ExecutionMode)i;
        }
        return null;
    }

    public static WorkflowType TypeOf(ExecutionMode mode) => mode switch
    {
        ExecutionMode.Sequential => WorkflowType.Sequential,
        ExecutionMode.Parallel => WorkflowType.Parallel,
        ExecutionMode.Hybrid => WorkflowType.Conditional,
        _ => WorkflowType.Loop,
    };

    /// <summary>The mode of a workflow <c>type</c> as written in a definition, or null when the text names none.</summary>
    public static ExecutionMode? FromTypeName(string type) =>
        new string(type.Where(c => c is not ('_' or '-')).Select(char.ToLowerInvariant).ToArray()) switch
        {
            "sequential" => ExecutionMode.Sequential,
            "parallel" => ExecutionMode.Parallel,
            "conditional" or "hybrid" => ExecutionMode.Hybrid,
            "loop" => ExecutionMode.Loop,
            _ => null,
        };

    /// <summary>The pattern's display name in summaries ("Sequential workflow 'x' completed …").</summary>
    public static string PatternName(ExecutionMode mode) => mode switch
    {
        ExecutionMode.Sequential => "Sequential",
        ExecutionMode.Parallel => "Parallel",
        ExecutionMode.Hybrid => "Conditional",
        _ => "Loop",
    };
}
