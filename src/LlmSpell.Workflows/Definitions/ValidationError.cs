namespace LlmSpell.Workflows.Definitions;

/// <summary>One problem in a workflow definition: where it is (a JSON path such as <c>$.steps[1].step_type</c>) and what is wrong.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
