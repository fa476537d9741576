namespace LlmSpell.Templates.Parameters;

/// <summary>Parameters a template cannot run with; <see cref="Problems"/> lists every one, each saying what to change.</summary>
public sealed class TemplateParameterException : Exception
{
    public TemplateParameterException(string templateId, IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : $"{problems.Count} problems with the parameters of '{templateId}':\n  " + string.Join("\n  ", problems))
    {
        TemplateId = templateId;
        Problems = problems;
    }

    public TemplateParameterException(string templateId, string problem) : this(templateId, [problem])
    {
    }

    public string TemplateId { get; }
    public IReadOnlyList<string> Problems { get; }
}
