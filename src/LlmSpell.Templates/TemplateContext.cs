using LlmSpell.Tools;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Templates;

/// <summary>What a template runs on: the workflow engine, the tools, where artifacts go and who hears progress.</summary>
public sealed record TemplateContext
{
    public required IWorkflowEngine Engine { get; init; }

    /// <summary>The tools tool steps may use (the engine's registry).</summary>
    public required IToolRegistry Tools { get; init; }

    /// <summary>Whether an <c>agent_id</c> names a configured agent (whose model and prompt then apply).</summary>
    public Func<string, bool> IsAgentConfigured { get; init; } = _ => false;

    /// <summary>Where artifacts (reports, intermediate results) are written; null: none are written.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Receives every event of the run as it happens (synchronously, on the reading thread).</summary>
    public IProgress<WorkflowEvent>? Progress { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
