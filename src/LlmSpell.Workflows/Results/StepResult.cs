using System.Text.Json.Nodes;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Results;

/// <summary>The outcome of one step: its status, attempts, duration, and output or error.</summary>
public sealed record StepResult
{
    public required string Name { get; init; }

    /// <summary>Where the step ran: e.g. <c>research/branch-a/fetch</c>, <c>loop[2]/summarize</c>.</summary>
    public required string Key { get; init; }

    public required StepKind Kind { get; init; }
    public required StepStatus Status { get; init; }
    public int Attempts { get; init; }
    public TimeSpan Duration { get; init; }
    public JsonNode? Output { get; init; }
    public string? Error { get; init; }

    /// <summary>Agent steps: the model that answered, and its token usage and cost.</summary>
    public string? Model { get; init; }
    public AgentUsage? Usage { get; init; }
    public decimal CostUsd { get; init; }

    /// <summary>Tool steps: the tool that ran and how it was chosen.</summary>
    public string? Tool { get; init; }
    public string? ToolResolution { get; init; }
}
