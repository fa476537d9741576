namespace LlmSpell.Tools;

/// <summary>A tool could not be registered: a duplicate name or alias, an invalid name, or an unusable schema.</summary>
public sealed class ToolRegistrationException : ToolException
{
    public ToolRegistrationException(string? toolName, string message, Exception? innerException = null)
        : base(toolName, message, innerException)
    {
    }
}
