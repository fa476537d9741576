namespace LlmSpell.Tools.Resolution;

/// <summary>No tool could be found for a step; lists the tools there are.</summary>
public sealed class ToolResolutionException : ToolException
{
    public ToolResolutionException(string stepName, string what, IReadOnlyList<string> availableTools, string? toolName = null, Exception? innerException = null)
        : base(toolName, $"Tool step '{stepName}' {what}. Available tools: {(availableTools.Count == 0 ? "none" : string.Join(", ", availableTools))}.", innerException)
    {
        StepName = stepName;
        AvailableTools = availableTools;
    }

    public string StepName { get; }

    public IReadOnlyList<string> AvailableTools { get; }
}
