namespace LlmSpell.Tools;

/// <summary>The base of every error a tool, the registry or the resolver raises on purpose.</summary>
public abstract class ToolException : Exception
{
    protected ToolException(string? toolName, string message, Exception? innerException = null)
        : base(message, innerException) => ToolName = toolName;

    /// <summary>The tool concerned, when there is one.</summary>
    public string? ToolName { get; }
}
