namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>What one parse collects: every error found (the parser never stops at the first) and where model objects came from.</summary>
internal sealed class ParseContext
{
    public List<ValidationError> Errors { get; } = [];
    public SourcePaths Paths { get; } = new();

    public void Error(string path, string message) => Errors.Add(new ValidationError(path, message));
}
