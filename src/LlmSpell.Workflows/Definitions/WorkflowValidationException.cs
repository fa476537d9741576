namespace LlmSpell.Workflows.Definitions;

/// <summary>A workflow definition with one or more problems; <see cref="Errors"/> lists them, not just the first.</summary>
public sealed class WorkflowValidationException : Exception
{
    /// <param name="errors">The problems kept (a parser stops keeping them after a thousand).</param>
    /// <param name="source">The file or other origin, prefixed to every line.</param>
    /// <param name="total">How many problems were found, when more than <paramref name="errors"/> holds.</param>
    public WorkflowValidationException(IReadOnlyList<ValidationError> errors, string? source = null, int? total = null)
        : base(Format(errors, source, Math.Max(total ?? 0, errors.Count)))
    {
        Errors = errors;
        SourceName = source;
        TotalCount = Math.Max(total ?? 0, errors.Count);
    }

    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>How many problems were found; more than <see cref="Errors"/> holds when there were very many.</summary>
    public int TotalCount { get; }

    /// <summary>The file (or other origin) the definition came from; null when it was given as text or a node.</summary>
    public string? SourceName { get; }

    // One line per error, so a CLI can print the message as is and a reader sees the problems at once.
    private static string Format(IReadOnlyList<ValidationError> errors, string? source, int total)
    {
        var prefix = source is null ? "" : ErrorText.OneLine(source) + ": ";
        if (errors.Count == 0) return prefix + "invalid workflow definition";
        return string.Join("\n", ErrorText.Capped(errors.Select(e => e.ToString()), total, prefix));
    }
}
