namespace LlmSpell.Tools.Resolution;

/// <summary>Finds the tool a step runs and its arguments.</summary>
public interface IToolResolver
{
    /// <summary>
    /// Resolves, in order: <see cref="ToolRequest.ToolName"/>, <see cref="ToolRequest.ToolField"/>, the step name as a tool
    /// name or alias, else a model's choice. Throws <see cref="ToolResolutionException"/> (no tool) or
    /// <see cref="ToolParameterException"/> (arguments that break the chosen tool's schema).
    /// </summary>
    Task<ToolResolution> ResolveAsync(ToolRequest request, CancellationToken cancellationToken);
}
