using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell run FILE --postgres CONN</c>: the run goes to the least-loaded live node; this process only waits for its end.</summary>
internal static class ClusterRun
{
    // Waiting reads the run's journal, a few times a second: the run may move between nodes (failover) on its way.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> SubmitAsync(CliSession session, ClusterOptions options, WorkflowDefinition definition, JsonNode? input,
        OutputFormat format, bool detach, CancellationToken cancellationToken)
    {
        var (client, engine) = await session.OpenClusterSubmitterAsync(options, cancellationToken).ConfigureAwait(false);
        string runId, node;
        try
        {
            (runId, node) = await client.SubmitAsync(definition, input, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            throw new CliException(ex.Message.TrimEnd('.'), ExitCodes.Failed, ex);
        }
        if (format == OutputFormat.Text) await Console.Out.WriteLineAsync($"Run: {runId} (node {node})").ConfigureAwait(false);
        if (detach)
        {
            if (format == OutputFormat.Json) Console.Out.WriteLine(Json.Format(new JsonObject { ["run_id"] = runId, ["node"] = node, ["run_status"] = "submitted" }));
            return ExitCodes.Ok;
        }
        WorkflowEvent end;
        try
        {
            end = await WaitForEndAsync(engine, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"stopped waiting; run {runId} goes on in the cluster (llmspell workflow show {runId} --postgres CONN)").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        var (status, output, error) = end switch
        {
            RunCompleted c => (c.Status, c.Output, (string?)null),
            RunFailed f => (RunStatus.Failed, null, f.Error),
            RunCancelled c => (RunStatus.Cancelled, null, c.Reason),
            _ => (RunStatus.TimedOut, (JsonNode?)null, "timed out"),
        };
        if (format == OutputFormat.Json)
        {
            Console.Out.WriteLine(Json.Format(new JsonObject
            {
                ["run_id"] = runId,
                ["node"] = node,
                ["run_status"] = StatusNames.Of(status),
                ["output"] = output?.DeepClone(),
                ["error"] = error,
            }));
        }
        else
        {
            await Console.Out.WriteLineAsync($"Status: {StatusNames.Of(status)}").ConfigureAwait(false);
            if (error is not null) await Console.Out.WriteLineAsync($"Error: {error}").ConfigureAwait(false);
            if (output is not null) await Console.Out.WriteLineAsync($"Output: {Json.Format(output)}").ConfigureAwait(false);
        }
        return status is RunStatus.Completed or RunStatus.PartiallyCompleted ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<WorkflowEvent> WaitForEndAsync(Workflows.Execution.WorkflowEngine engine, string runId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var history = await engine.GetHistoryAsync(runId, cancellationToken).ConfigureAwait(false);
            if (history.Count > 0 && history[^1].Event is RunCompleted or RunFailed or RunCancelled or RunTimedOut) return history[^1].Event;
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
