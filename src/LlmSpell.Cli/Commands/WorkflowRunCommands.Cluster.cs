using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;

namespace LlmSpell.Cli.Commands;

// With --postgres: runs live on the cluster's nodes. Reading commands read the shared journal (nothing else changes);
// cancel, signal and resume reach the node that holds the run's lease through the cluster inbox.
internal static partial class WorkflowRunCommands
{
    /// <summary>How long a command waits for a node's answer.</summary>
    private static readonly TimeSpan ClusterAnswerTimeout = TimeSpan.FromSeconds(10);

    private const string NodeListHint = "'llmspell node list --postgres …' shows the nodes";

    /// <summary>Cancels through the run's node; null when no node holds the run (the caller cancels it in the journal).</summary>
    private static async Task<int?> CancelInClusterAsync(CliSession session, RunView view, string reason, CancellationToken ct)
    {
        var client = await session.ClusterClientAsync(ct).ConfigureAwait(false);
        if (await LiveOwnerAsync(client, view, ct).ConfigureAwait(false) is null) return null;
        var ack = await AskAsync(() => client.Run(view.RunId).Ask<Acknowledged>(new RunMessage.Cancel(reason), ClusterAnswerTimeout, ct), view.RunId, "cancelled")
            .ConfigureAwait(false);
        Console.Out.WriteLine($"Cancelled run {view.RunId} on node {ack.Node} (workflow '{view.Workflow}', was {view.Status}, {view.StepsDone} step{(view.StepsDone == 1 ? "" : "s")} done): the cancel is recorded in its journal and it will not be resumed.");
        return ExitCodes.Ok;
    }

    private static async Task<int> SignalInClusterAsync(CliSession session, string runId, string signal, JsonNode? payload, CancellationToken ct)
    {
        var engine = await session.CreateOperationsEngineAsync(ct).ConfigureAwait(false);
        var view = await LoadAsync(engine, runId, ct).ConfigureAwait(false);
        RequireWaitingFor(view, signal);
        var client = await session.ClusterClientAsync(ct).ConfigureAwait(false);
        _ = await LiveOwnerAsync(client, view, ct).ConfigureAwait(false)
            ?? throw new CliException(
                $"run {view.RunId} is not running on any node (no node holds its lease), so no one can take the signal; 'llmspell workflow resume {view.RunId} --postgres …' has a node take it up, then signal again",
                ExitCodes.Failed);
        var ack = await AskAsync(() => client.Run(view.RunId).Ask<Acknowledged>(new RunMessage.Signal(signal, payload), ClusterAnswerTimeout, ct), view.RunId, "signalled")
            .ConfigureAwait(false);
        Console.Out.WriteLine($"Delivered signal '{signal}' to run {view.RunId} on node {ack.Node}; the run continues there ('llmspell workflow show {view.RunId} --postgres …' shows it).");
        return ExitCodes.Ok;
    }

    private static async Task<int> ResumeInClusterAsync(CliSession session, string runId, CancellationToken ct)
    {
        var engine = await session.CreateOperationsEngineAsync(ct).ConfigureAwait(false);
        var view = await LoadAsync(engine, runId, ct).ConfigureAwait(false);
        RequireUnfinished(view, "resumed");
        var client = await session.ClusterClientAsync(ct).ConfigureAwait(false);
        if (await client.OwnerOfAsync(view.RunId, ct).ConfigureAwait(false) is { NodeAlive: true } owner)
            throw new CliException($"run {view.RunId} is already running on node {owner.Node}; 'llmspell workflow show {view.RunId} --postgres …' shows it");
        var node = await client.LeastLoadedNodeAsync(ct).ConfigureAwait(false)
            ?? throw new CliException(
                $"no node of the cluster is running (none has a current heartbeat), so none can take run {view.RunId} up; start one with 'llmspell node start --postgres …' (it resumes unfinished runs)",
                ExitCodes.Failed);
        var ack = await AskAsync(() => client.ResumeOnAsync(node, view.RunId, ClusterAnswerTimeout, ct), view.RunId, "resumed").ConfigureAwait(false);
        Console.Out.WriteLine($"Run {view.RunId} resumes on node {ack.Node} (workflow '{view.Workflow}', {view.StepsDone} step{(view.StepsDone == 1 ? "" : "s")} done are not run again); 'llmspell workflow show {view.RunId} --postgres …' follows it.");
        return ExitCodes.Ok;
    }

    /// <summary>The node holding the run's lease; null when none does; an error when its node is down (a live node takes its runs over).</summary>
    private static async Task<RunOwner?> LiveOwnerAsync(ClusterClient client, RunView view, CancellationToken ct)
    {
        var owner = await client.OwnerOfAsync(view.RunId, ct).ConfigureAwait(false);
        if (owner is { NodeAlive: false })
            throw new CliException(
                $"run {view.RunId} is held by node {owner.Node}, whose heartbeat has expired: a live node takes its runs over shortly; try again in a few seconds ({NodeListHint})",
                ExitCodes.Failed);
        return owner;
    }

    private static async Task<T> AskAsync<T>(Func<Task<T>> ask, string runId, string verb)
    {
        try
        {
            return await ask().ConfigureAwait(false);
        }
        catch (ClusterAskTimeoutException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Failed, ex);
        }
        catch (RunNotOwnedException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Failed, ex);
        }
        catch (ClusterMessageException ex)
        {
            // The node refused: the same cases as on one machine (finished meanwhile, not waiting for that signal).
            throw new CliException($"run {runId} cannot be {verb}: {ex.Message}", ExitCodes.Usage, ex);
        }
    }
}
