using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell run FILE --postgres CONN</c>: the run goes to the least-loaded live node; this process only waits for its end.</summary>
internal static class ClusterRun
{
    public static async Task<int> SubmitAsync(CliSession session, ClusterOptions options, WorkflowDefinition definition, JsonNode? input,
        OutputFormat format, bool detach, CancellationToken cancellationToken)
    {
        var (submitter, _) = await session.OpenClusterSubmitterAsync(options, cancellationToken).ConfigureAwait(false);
        string runId, node;
        try
        {
            (runId, node) = await submitter.SubmitAsync(definition, input, cancellationToken).ConfigureAwait(false);
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
            end = await WaitForEndAsync(await session.ClusterClientAsync(cancellationToken).ConfigureAwait(false), runId, cancellationToken).ConfigureAwait(false);
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

    // The run's journal is watched (woken by the NOTIFY of each write), wherever the run moves on its way (failover).
    private static async Task<WorkflowEvent> WaitForEndAsync(ClusterClient client, string runId, CancellationToken cancellationToken)
    {
        await foreach (var @event in client.Run(runId).WatchAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            if (@event is RunCompleted or RunFailed or RunCancelled or RunTimedOut) return @event;
        throw new CliException($"the journal of run {runId} ended without the run's end; 'llmspell workflow show {runId} --postgres …' shows it", ExitCodes.Failed);
    }
}
