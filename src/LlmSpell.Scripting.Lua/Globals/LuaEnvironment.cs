using LlmSpell.Templates;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Scripting.Lua.Globals;

/// <summary>What the script's globals run on: the engine, its tool registry (Tool.register adds to it), the agents.</summary>
public sealed record LuaEnvironment
{
    public required IWorkflowEngine Engine { get; init; }

    /// <summary>The engine's tools: tools and Lua steps a script registers become visible to its workflows.</summary>
    public required ToolRegistry Tools { get; init; }

    /// <summary>What <c>Agent.create</c> calls.</summary>
    public required IAgentExecutor Agents { get; init; }

    public TemplateRegistry Templates { get; init; } = TemplateRegistry.CreateDefault();

    /// <summary>Whether an <c>agent_id</c> names a configured agent (for templates).</summary>
    public Func<string, bool> IsAgentConfigured { get; init; } = _ => false;

    /// <summary>Where file tools invoked with Tool.invoke write.</summary>
    public required string WorkspaceDirectory { get; init; }

    /// <summary>Where templates write their artifacts; null: nowhere.</summary>
    public string? OutputDirectory { get; init; }

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;
}
