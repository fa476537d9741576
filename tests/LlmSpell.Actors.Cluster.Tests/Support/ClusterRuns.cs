using Akka.Actor;
using System.Text.Json.Nodes;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Actors.Cluster.Tests.Support;

/// <summary>The specs' runs: sequential agent steps whose prompts name the run and the step, so the LLM server counts calls per step.</summary>
public static class ClusterRuns
{
    public static string Prompt(string run, int step) => $"{run}-step{step}";

    public static WorkflowDefinition Definition(string run, int steps) => WorkflowParser.Parse(Json(run, steps));

    public static JsonObject Json(string run, int steps) => new JsonObject
    {
        ["name"] = run,
        ["type"] = "sequential",
        ["steps"] = new JsonArray(Enumerable.Range(1, steps).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"s{i}",
            ["step_type"] = "agent",
            ["input"] = Prompt(run, i),
        }).ToArray()),
    };

    /// <summary>A cluster client in this process (it runs nothing, so it needs no agents).</summary>
    public static async Task<(ClusterSubmitter Client, ClusterStore Store, ActorSystem System)> ClientAsync(string connectionString, string schema)
    {
        // The leases it assigns lapse like the nodes' own (a run's node renews them from its next heartbeat on).
        var store = await ClusterStore.OpenAsync(new ClusterOptions(connectionString).WithSchema(schema).WithLeases(NodeProcess.Heartbeat, NodeProcess.LeaseExpiry));
        var system = ActorSystem.Create("cluster-client");
        var engine = new WorkflowEngine(system, new WorkflowServices { Agents = new NoAgents(), Tools = new ToolRegistry() },
            WorkflowEngineOptions.Default.WithDurability(new(store.Journal.Journal) { ResumeOnStart = false }));
        return (new ClusterSubmitter(store, engine), store, system);
    }

    private sealed class NoAgents : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a cluster client runs no steps");
    }
}
