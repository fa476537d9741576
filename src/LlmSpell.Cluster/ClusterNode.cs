using Akka.Actor;

namespace LlmSpell.Cluster;

/// <summary>Joins an actor system configured with <see cref="ClusterNodeOptions.ToHocon"/> to its cluster.</summary>
public static class ClusterNode
{
    /// <summary>Joins the seeds of <paramref name="options"/>, or, with none, starts a cluster of this node alone.</summary>
    public static void Join(ActorSystem system, ClusterNodeOptions options)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var seeds = options.Seeds.Count == 0 ? [cluster.SelfAddress] : options.Seeds.Select(ClusterNodeOptions.SeedAddress).ToList();
        cluster.JoinSeedNodes(seeds);
    }
}
