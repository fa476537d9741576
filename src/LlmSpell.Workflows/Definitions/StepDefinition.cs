using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions;

/// <summary>What a step runs.</summary>
public enum StepKind
{
    Agent,
    Tool,
    Workflow,
    Wait,
}

/// <summary>One step: an agent call, a tool call, a nested workflow or a wait for a signal.</summary>
public sealed record StepDefinition
{
    public required string Name { get; init; }

    /// <summary>Defaults to the name (as the spec).</summary>
    public string? Description { get; init; }

    public StepKind Kind { get; init; }

    public AgentStepSpec? Agent { get; init; }
    public ToolStepSpec? Tool { get; init; }
    public WorkflowStepSpec? Workflow { get; init; }
    public WaitStepSpec? Wait { get; init; }

    /// <summary>Null: the workflow's policy.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Null: the workflow's step timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Null: the workflow's error strategy.</summary>
    public ErrorStrategy? ErrorStrategy { get; init; }

    public string DisplayDescription => Description ?? Name;
}

/// <summary>An LLM call. <see cref="Input"/> is a template over the run's data.</summary>
public sealed record AgentStepSpec
{
    /// <summary>A named agent from configuration (its model, system prompt, temperature…).</summary>
    public string? AgentId { get; init; }

    /// <summary><c>provider/model</c>; null: the agent's or the run's default model.</summary>
    public string? Model { get; init; }

    public string? SystemPrompt { get; init; }

    /// <summary>The prompt template; null: the step's description (as the spec: "Execute: {description}").</summary>
    public string? Input { get; init; }

    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }

    /// <summary>Add the outputs of the steps before this one to the prompt as context.</summary>
    public bool IncludeStepOutputs { get; init; }
}

/// <summary>A tool call. String values of <see cref="Parameters"/> are templates.</summary>
public sealed record ToolStepSpec
{
    /// <summary>The tool's name; null: resolved from the step name or, dynamically, from the description.</summary>
    public string? ToolName { get; init; }

    public JsonObject Parameters { get; init; } = new();
}

/// <summary>A nested workflow, inline or named in the parent's <see cref="WorkflowDefinition.Workflows"/>.</summary>
public sealed record WorkflowStepSpec
{
    public WorkflowDefinition? Inline { get; init; }
    public string? Name { get; init; }

    /// <summary>The nested workflow's input (a template); null: the parent's input.</summary>
    public JsonNode? Input { get; init; }
}

/// <summary>Pauses the run until a signal arrives (human in the loop).</summary>
public sealed record WaitStepSpec
{
    public required string Signal { get; init; }

    /// <summary>Null: wait without limit (the run timeout still applies).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The output when the timeout passes; null: the step fails on timeout.</summary>
    public JsonNode? Default { get; init; }
}
