namespace LlmSpell.Tools;

/// <summary>A tool refused to reach something outside its sandbox: a path outside the workspace, a host not allowed, a private address.</summary>
public sealed class ToolAccessDeniedException : ToolException
{
    public ToolAccessDeniedException(string toolName, string resource, string message)
        : base(toolName, $"Tool '{toolName}' refused '{resource}': {message}") => Resource = resource;

    /// <summary>What was refused, as the caller named it (a path, a URL, an address).</summary>
    public string Resource { get; }
}
