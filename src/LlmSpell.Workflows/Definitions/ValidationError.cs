namespace LlmSpell.Workflows.Definitions;

/// <summary>One problem in a workflow definition: where it is (a JSON path such as <c>$.steps[1].step_type</c>) and what is wrong.</summary>
public sealed record ValidationError
{
    /// <summary>Both parts are kept to one line (<see cref="ErrorText.OneLine"/>): they quote what the user wrote, which may be anything.</summary>
    public ValidationError(string path, string message)
    {
        Path = ErrorText.Path(path);
        Message = ErrorText.OneLine(message);
    }

    public string Path { get; }
    public string Message { get; }

    public override string ToString() => $"{Path}: {Message}";
}
