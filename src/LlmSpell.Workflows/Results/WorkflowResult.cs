using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Results;

/// <summary>The outcome of a run: status, final output, and every step's result in the order they finished.</summary>
public sealed record WorkflowResult
{
    public required string RunId { get; init; }
    public required string WorkflowName { get; init; }
    public required RunStatus Status { get; init; }

    /// <summary>Sequential: the last step's output; parallel: an object of branch outputs; conditional: the chosen branch's; loop: the aggregate.</summary>
    public JsonNode? Output { get; init; }

    public IReadOnlyList<StepResult> Steps { get; init; } = [];
    public TimeSpan Duration { get; init; }

    /// <summary>Why the run did not complete, when it did not.</summary>
    public string? Error { get; init; }

    public StepResult? Step(string name) => Steps.LastOrDefault(s => s.Name == name);

    public long TotalTokens => Steps.Sum(s => s.Usage?.TotalTokens ?? 0);
    public decimal TotalCostUsd => Steps.Sum(s => s.CostUsd);
}
