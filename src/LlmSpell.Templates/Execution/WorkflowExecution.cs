using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Templates.Execution;

/// <summary>Runs a definition on an engine to its end, feeding every event to a progress sink on the way.</summary>
public static class WorkflowExecution
{
    /// <summary>
    /// Starts the run, reports its events as they happen, and returns its result. Cancelling
    /// <paramref name="cancellationToken"/> cancels the run; the result then says it was cancelled.
    /// </summary>
    public static async Task<WorkflowResult> RunAsync(IWorkflowEngine engine, WorkflowDefinition definition, JsonNode? input,
        IProgress<WorkflowEvent>? progress, CancellationToken cancellationToken)
    {
        var run = await engine.StartAsync(definition, input, cancellationToken).ConfigureAwait(false);
        await using (cancellationToken.Register(() => _ = run.CancelAsync("cancelled by the user")).ConfigureAwait(false))
        {
            // The feed ends when the run does, whatever way it ends.
            await foreach (var e in run.Events.ConfigureAwait(false)) progress?.Report(e);
            return await run.Completion.ConfigureAwait(false);
        }
    }
}
