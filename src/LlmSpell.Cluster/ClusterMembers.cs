using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster;

/// <summary>
/// A node's answer to <see cref="ListNodes"/> (<c>llmspell node list --cluster</c>): the members as this node sees them, and the runs
/// each runs node holds — the entity ids of its shard region, asked of every reachable one. An ended run stays listed a little
/// while (its entity keeps it for followers, <c>DurableRunOptions.KeepEndedRunsFor</c>).
/// </summary>
internal sealed class ClusterMembers : ReceiveActor
{
    /// <summary>Its name under <c>/user</c>, where the receptionist finds it for clients.</summary>
    public const string Name = "llmspell-nodes";

    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(5);

    public ClusterMembers()
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var system = Context.System;
        Receive<ListNodes>(_ => ListAsync(cluster, system).PipeTo(Sender));
    }

    private static async Task<NodesListed> ListAsync(Akka.Cluster.Cluster cluster, ActorSystem system)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var nodes = await Task.WhenAll(state.Members.OrderBy(m => m.Address, Member.AddressOrdering).Select(async member =>
        {
            var reachable = !unreachable.Contains(member.Address);
            IReadOnlyList<string>? runs = null;
            if (reachable && member.HasRole(ClusterNodeOptions.RunsRole)) runs = await RunsOfAsync(system, member.Address).ConfigureAwait(false);
            return new NodeReport(member.Address.ToString(), member.Roles.Order(StringComparer.Ordinal).ToArray(),
                member.Status.ToString().ToLowerInvariant(), reachable, runs);
        })).ConfigureAwait(false);
        return new NodesListed(nodes, state.Leader?.ToString());
    }

    /// <summary>The run ids the node's shard region holds; null if it did not answer in time (it may be starting or leaving).</summary>
    private static async Task<IReadOnlyList<string>?> RunsOfAsync(ActorSystem system, Address node)
    {
        try
        {
            var region = await system.ActorSelection(new RootActorPath(node) / "system" / "sharding" / ShardedRuns.TypeName)
                .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, RegionTimeout).ConfigureAwait(false);
            return region.Shards.SelectMany(s => s.EntityIds).Order(StringComparer.Ordinal).ToArray();
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
