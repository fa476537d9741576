using LlmSpell.Tools.Sandbox;

namespace LlmSpell.Tools.BuiltIn.Files;

/// <summary>The base of tools confined to a workspace directory.</summary>
public abstract class WorkspaceTool(string name, string description, string parametersSchema, string outputSchema, ToolsOptions options)
    : Tool(name, description, parametersSchema, outputSchema)
{
    protected ToolsOptions Options { get; } = options.Validated();

    /// <summary>The options' workspace when set, else the run's.</summary>
    protected Workspace WorkspaceFor(ToolContext context) => new(Name, Options.WorkspaceDirectory ?? context.WorkspaceDirectory);
}
