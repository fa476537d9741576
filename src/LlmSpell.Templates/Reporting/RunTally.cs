using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Templates.Reporting;

/// <summary>The counts a report and its metrics show: steps that ran, agents and tools invoked, tokens and cost.</summary>
public sealed record RunTally(int StepsExecuted, int AgentsInvoked, int ToolsInvoked, long TokensUsed, decimal CostUsd, int Succeeded, int Failed)
{
    public static RunTally Of(IReadOnlyList<StepRecord> steps)
    {
        var ran = steps.Where(s => s.Ran).ToArray();
        return new RunTally(
            ran.Length,
            ran.Count(s => s.Result.Kind == StepKind.Agent),
            ran.Count(s => s.Result.Kind == StepKind.Tool),
            steps.Sum(s => s.Result.Usage?.TotalTokens ?? 0),
            steps.Sum(s => s.Result.CostUsd),
            ran.Count(s => s.Result.Status == Workflows.Results.StepStatus.Completed),
            ran.Count(s => s.Result.Status == Workflows.Results.StepStatus.Failed));
    }
}
