using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster;

/// <summary>
/// The runs of a cluster, reached from a process that is no node of it (the console client): Akka's ClusterClient sends every run
/// message to a node's runs actor (<c>/user/llmspell-runs</c>, registered with the node's receptionist), which passes it to the
/// run's shard. The client joins no cluster, so a short-lived command does not disturb the nodes' membership or downing. The
/// nodes tell a run's subscriber its events directly: they must reach the client's remoting address (127.0.0.1 unless given a public
/// host). With <paramref name="tls"/> the client speaks TLS with the cluster's certificate, as the nodes do (<see cref="RemotingTls"/>).
/// </summary>
public sealed class ClusterClientRuns(IReadOnlyList<string> contacts, RemotingTls? tls = null) : IRunPlacement
{
    /// <summary>Where a node's runs actor is, as registered with its receptionist.</summary>
    public static readonly string RunsPath = "/user/" + WorkflowEngine.DefaultRunsActorName;

    /// <summary>
    /// The client's actor system configuration: remoting on a free port of 127.0.0.1, or, given <paramref name="publicHost"/> (the
    /// name the nodes reach this machine or container by, checked by <see cref="ClusterNodeOptions.CheckPublicHost"/>), of every
    /// address, known to the nodes by that name; with TLS or without; no cluster, ClusterClient's settings, our serializer. With
    /// <paramref name="tls"/>, create the system with its <see cref="RemotingTls.ToSetup"/> too.
    /// </summary>
    public static Config ClientConfig(string? publicHost = null, RemotingTls? tls = null)
    {
        var bind = publicHost is null
            ? "hostname = \"127.0.0.1\""
            : $"hostname = \"0.0.0.0\", public-hostname = \"{ClusterNodeOptions.CheckPublicHost(publicHost)}\"";
        return ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { {{bind}}, port = 0, {{ClusterNodeOptions.FrameSize}} }
            {{(tls is null ? "" : RemotingTls.Hocon)}}
            {{WorkflowSerializer.Hocon}}
            """)
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            // ClusterClient's Send travels as DistributedPubSub's: without its serializer binding it would go through Newtonsoft.
            .WithFallback(Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.DefaultConfig());
    }

    /// <summary>The cluster's nodes and the runs each holds, as the contacted node sees them (<c>llmspell node list</c>).</summary>
    public static async Task<NodesListed> ListNodesAsync(ActorSystem system, TimeSpan timeout) =>
        await system.ActorSelection("/user/" + ClientName)
            .Ask<NodesListed>(new ClusterClient.Send("/user/" + ClusterMembers.Name, new ListNodes(), localAffinity: false), timeout).ConfigureAwait(false);

    private const string ClientName = "llmspell-cluster-client";

    /// <summary>
    /// How long a client waits for a node's answer: a live node answers in milliseconds, but a cluster that has just formed on a
    /// loaded machine (shard allocation, the journal's first use) took over 5 s in CI; only half a minute of silence means no node.
    /// </summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public IActorRef Start(ActorSystem system, RunEntities entities)
    {
        var receptionists = contacts.Select(c => ActorPath.Parse(ClusterNodeOptions.SeedAddress(c, tls is not null) + "/system/receptionist")).ToImmutableHashSet();
        var client = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(receptionists)), ClientName);
        return system.ActorOf(Props.Create(() => new Forwarder(client)), "llmspell-cluster-runs");
    }

    /// <summary>Hands every message to the ClusterClient, addressed to a node's runs actor; replies come back to the sender.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef client) => ReceiveAny(message => client.Forward(new ClusterClient.Send(RunsPath, message, localAffinity: false)));
    }
}
