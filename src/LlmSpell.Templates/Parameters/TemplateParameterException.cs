using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Templates.Parameters;

/// <summary>Parameters a template cannot run with; <see cref="Problems"/> lists every one, each saying what to change.</summary>
public sealed class TemplateParameterException : Exception
{
    /// <param name="templateId">The template whose parameters these are.</param>
    /// <param name="problems">Each problem, saying what to change.</param>
    /// <param name="total">How many problems there were, when <paramref name="problems"/> holds only the first of them.</param>
    public TemplateParameterException(string templateId, IReadOnlyList<string> problems, int? total = null)
        : base(Format(templateId, problems, Math.Max(total ?? 0, problems.Count)))
    {
        TemplateId = templateId;
        Problems = problems;
    }

    public TemplateParameterException(string templateId, string problem) : this(templateId, [problem])
    {
    }

    // One line per problem, and not too many of them (ErrorText).
    private static string Format(string templateId, IReadOnlyList<string> problems, int total) => total == 1
        ? ErrorText.OneLine(problems[0])
        : $"{total} problems with the parameters of '{templateId}':\n" + string.Join("\n", ErrorText.Capped(problems, total, "  "));

    public string TemplateId { get; }
    public IReadOnlyList<string> Problems { get; }
}
