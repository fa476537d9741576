using Akka.Actor;
using Akka.Cluster.Sharding;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster;

/// <summary>
/// Runs as entities of a cluster shard region (<c>/system/sharding/llmspell-run</c>; entity id = run id) on the nodes of
/// role <see cref="ClusterNodeOptions.RunsRole"/>. Remember-entities on the journal (event-sourced): when a node is lost, its
/// unfinished runs restart on a surviving node and continue from their events. An ended run's entity passivates and is forgotten.
/// </summary>
public sealed class ShardedRuns : IRunPlacement
{
    /// <summary>The shard region's type name: an app's proxy names it too.</summary>
    public const string TypeName = "llmspell-run";

    public IActorRef Start(ActorSystem system, RunEntities entities)
    {
        if (!entities.IsDurable) throw new ArgumentException("Sharded runs move between nodes through their journal: give the engine WorkflowEngineOptions.Durability.", nameof(entities));
        // The extension first: it adds sharding's default configuration, which the settings read.
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system)
            .WithRole(ClusterNodeOptions.RunsRole)
            .WithRememberEntities(true);
        var passivate = new Passivate(RunEntities.StopWhenIdle);
        return sharding.Start(
            TypeName,
            runId => entities.Props(runId, passivate),
            settings,
            new RunMessageExtractor(),
            sharding.DefaultShardAllocationStrategy(settings),
            RunEntities.HandOff);
    }

    /// <summary>A proxy to the runs of the cluster, for a node that runs none itself (an app's node, a client).</summary>
    public static IActorRef StartProxy(ActorSystem system) =>
        ClusterSharding.Get(system).StartProxy(TypeName, ClusterNodeOptions.RunsRole, new RunMessageExtractor());
}
