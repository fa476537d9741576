namespace LlmSpell.Workflows.Definitions;

/// <summary>A workflow definition with one or more problems; <see cref="Errors"/> lists all of them, not just the first.</summary>
public sealed class WorkflowValidationException : Exception
{
    public WorkflowValidationException(IReadOnlyList<ValidationError> errors, string? source = null)
        : base(Format(errors, source))
    {
        Errors = errors;
        SourceName = source;
    }

    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>The file (or other origin) the definition came from; null when it was given as text or a node.</summary>
    public string? SourceName { get; }

    // One line per error, so a CLI can print the message as is and a reader sees every problem at once.
    private static string Format(IReadOnlyList<ValidationError> errors, string? source)
    {
        var prefix = source is null ? "" : source + ": ";
        return errors.Count == 0
            ? prefix + "invalid workflow definition"
            : string.Join("\n", errors.Select(e => prefix + e));
    }
}
