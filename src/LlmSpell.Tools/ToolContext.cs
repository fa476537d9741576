using Microsoft.Extensions.Logging;

namespace LlmSpell.Tools;

/// <summary>What a tool invocation can see of its surroundings: the run and step it serves, its workspace and a logger.</summary>
/// <param name="RunId">The workflow run the call belongs to.</param>
/// <param name="StepName">The step that runs the tool.</param>
/// <param name="WorkspaceDirectory">The directory file tools are confined to (unless <see cref="ToolsOptions.WorkspaceDirectory"/> overrides it).</param>
/// <param name="Logger">Where the tool logs.</param>
public sealed record ToolContext(string RunId, string StepName, string WorkspaceDirectory, ILogger Logger);
