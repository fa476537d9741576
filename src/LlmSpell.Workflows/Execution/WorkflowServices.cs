using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Workflows.Execution;

/// <summary>What steps reach outside the engine through: agents, tools, and where tools may work.</summary>
public sealed record WorkflowServices
{
    public required IAgentExecutor Agents { get; init; }
    public required IToolRegistry Tools { get; init; }

    /// <summary>The directory tools are confined to.</summary>
    public string WorkspaceDirectory { get; init; } = Directory.GetCurrentDirectory();

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
