using Akka.Actor;
using Akka.Cluster.Tools.Client;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster;

/// <summary>Joins an actor system configured with <see cref="ClusterNodeOptions.ToHocon"/> to its cluster.</summary>
public static class ClusterNode
{
    /// <summary>Joins the seeds of <paramref name="options"/>, or, with none, starts a cluster of this node alone.</summary>
    public static void Join(ActorSystem system, ClusterNodeOptions options)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var seeds = options.Seeds.Count == 0 ? [cluster.SelfAddress] : options.Seeds.Select(s => ClusterNodeOptions.SeedAddress(s, options.Tls is not null)).ToList();
        cluster.JoinSeedNodes(seeds);
    }

    /// <summary>
    /// Lets console clients (<see cref="ClusterClientRuns"/>) reach <paramref name="runs"/>, the node's runs actor, and the node's
    /// view of the cluster (<see cref="ListNodes"/>) through its receptionist.
    /// </summary>
    public static void ServeClients(ActorSystem system, IActorRef runs)
    {
        var receptionist = ClusterClientReceptionist.Get(system);
        receptionist.RegisterService(runs);
        receptionist.RegisterService(system.ActorOf(Props.Create(() => new ClusterMembers()), ClusterMembers.Name));
    }
}
