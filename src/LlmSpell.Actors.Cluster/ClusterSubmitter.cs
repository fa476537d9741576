using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Actors.Cluster;

/// <summary>
/// Works against a cluster from any machine without being a node: submits runs to a live node and lists the nodes.
/// Its engine only journals (the start of submitted runs; run operations), it runs nothing.
/// <code>
/// await using var store = await ClusterStore.OpenAsync(new ClusterOptions(conn));
/// var client = new ClusterSubmitter(store, new WorkflowEngine(system, services, WorkflowEngineOptions.Default.WithDurability(new(store.Journal.Journal).WithResumeOnStart(false))));
/// var (runId, node) = await client.SubmitAsync(definition, input);
/// </code>
/// </summary>
public sealed class ClusterSubmitter(ClusterStore store, WorkflowEngine engine)
{
    /// <summary>Journals the run's start, then gives its lease to the least-loaded live node and wakes it; returns the run id and that node.</summary>
    public async Task<(string RunId, string Node)> SubmitAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        var node = await store.Tables.LeastLoadedAsync(null, cancellationToken).ConfigureAwait(false)
            ?? throw new ClusterException(
                $"No live node in the cluster (schema {store.Schema}): start one with 'llmspell node start --postgres CONN', or check 'llmspell node list'.");
        return (await SubmitAsync(engine, store.Tables, node, definition, input, cancellationToken).ConfigureAwait(false), node);
    }

    /// <summary>The nodes with their state, heartbeat age and number of runs.</summary>
    public Task<IReadOnlyList<ClusterNodeInfo>> ListNodesAsync(CancellationToken cancellationToken = default) => store.Tables.ListNodesAsync(cancellationToken);

    /// <summary>Every run lease: which node runs which run, at which epoch.</summary>
    public Task<IReadOnlyList<RunLease>> ListLeasesAsync(CancellationToken cancellationToken = default) => store.Tables.ListLeasesAsync(cancellationToken);

    // The start is journaled before the lease exists (a write allowed only while nobody owns the run), so the node
    // woken by the lease always finds the run to resume.
    internal static async Task<string> SubmitAsync(WorkflowEngine engine, ClusterTables tables, string node, WorkflowDefinition definition, JsonNode? input,
        CancellationToken cancellationToken)
    {
        var runId = await engine.SubmitAsync(definition, input, cancellationToken).ConfigureAwait(false);
        await tables.AssignNewAsync(runId, node, notify: true, cancellationToken).ConfigureAwait(false);
        return runId;
    }
}
