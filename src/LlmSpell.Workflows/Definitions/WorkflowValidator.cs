namespace LlmSpell.Workflows.Definitions;

/// <summary>A problem in a workflow definition, with where it is.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A definition that cannot run; lists every problem.</summary>
public sealed class WorkflowValidationException(IReadOnlyList<ValidationError> errors, string? source)
    : Exception((source is null ? "" : source + ": ") + "invalid workflow definition:\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>Placeholder until the validator lands.</summary>
public static class WorkflowValidator
{
    public static IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition) => [];
}
