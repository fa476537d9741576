using LlmSpell.Tools;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Workflows.Execution;

/// <summary>What steps reach outside the engine through: agents, tools, and where tools may work.</summary>
public sealed record WorkflowServices
{
    public required IAgentExecutor Agents { get; init; }
    public required IToolRegistry Tools { get; init; }

    /// <summary>
    /// How tool steps find their tool; null: by name only (a <see cref="ToolResolver"/> over <see cref="Tools"/>
    /// without a model). Give a resolver with an IChatClient to let a model choose tools from step descriptions.
    /// </summary>
    public IToolResolver? ToolResolver { get; init; }

    /// <summary>The directory tools are confined to.</summary>
    public string WorkspaceDirectory { get; init; } = Directory.GetCurrentDirectory();

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The clock of event timestamps (a fake one in specs).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
