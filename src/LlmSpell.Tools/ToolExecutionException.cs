namespace LlmSpell.Tools;

/// <summary>A tool was called with valid parameters and could not do its work (a missing file, a size cap, a timeout…).</summary>
public sealed class ToolExecutionException : ToolException
{
    public ToolExecutionException(string toolName, string message, Exception? innerException = null)
        : base(toolName, $"Tool '{toolName}': {message}", innerException)
    {
    }
}
