namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>What one parse collects: every error found (the parser never stops at the first) and where model objects came from.</summary>
internal sealed class ParseContext
{
    /// <summary>Errors kept; beyond them only counted, so that a document of a million mistakes stays small in memory.</summary>
    public const int MaxKeptErrors = 1_000;

    public List<ValidationError> Errors { get; } = [];

    /// <summary>Every error found, kept or not.</summary>
    public int ErrorCount { get; private set; }

    public SourcePaths Paths { get; } = new();

    public void Error(JsonPath path, string message)
    {
        if (ErrorCount++ < MaxKeptErrors) Errors.Add(new ValidationError(path.ToString(), message));
    }
}
