using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Cluster;

/// <summary>
/// Where a node listens and whom it joins. Remoting binds 127.0.0.1 unless told otherwise: an open remoting port lets anyone
/// who reaches it start runs, and runs call tools (docs/cluster.md).
/// </summary>
public sealed record ClusterNodeOptions
{
    /// <summary>Every node's actor system name: seed addresses are <c>akka.tcp://llmspell@HOST:PORT</c> (<c>akka.ssl.tcp://</c> with TLS).</summary>
    public const string SystemName = "llmspell";

    /// <summary>The role of nodes that run workflows (hold the shards of runs).</summary>
    public const string RunsRole = "llmspell";

    /// <summary>The port a node listens on unless given one.</summary>
    public const int DefaultPort = 4053;

    /// <summary>The address remoting binds; 127.0.0.1 keeps the node to this machine.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port remoting binds; 0: a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The host name other nodes reach this one by, when it is not <see cref="Host"/> (e.g. binding 0.0.0.0 in a container).</summary>
    public string? PublicHost { get; init; }

    /// <summary>The nodes to join (<c>akka.tcp://llmspell@HOST:PORT</c>, with TLS <c>akka.ssl.tcp://…</c>); none: this node starts a cluster of its own.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>This node's roles; nodes of <see cref="RunsRole"/> run workflows.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [RunsRole];

    /// <summary>TLS with the cluster's certificate (every node and client needs it); null: plaintext remoting.</summary>
    public RemotingTls? Tls { get; init; }

    /// <summary>
    /// How long a leaving node waits for its runs' running steps to end before it stops them (they then run again on the next
    /// node). Keep it under the process manager's grace period (Kubernetes: 30 s by default).
    /// </summary>
    public static readonly TimeSpan HandOffLimit = TimeSpan.FromSeconds(25);

    public ClusterNodeOptions WithHost(string host) => this with { Host = host };
    public ClusterNodeOptions WithPort(int port) => this with { Port = port };
    public ClusterNodeOptions WithPublicHost(string? publicHost) => this with { PublicHost = publicHost };
    public ClusterNodeOptions WithSeeds(IReadOnlyList<string> seeds) => this with { Seeds = seeds };
    public ClusterNodeOptions WithRoles(IReadOnlyList<string> roles) => this with { Roles = roles };
    public ClusterNodeOptions WithTls(RemotingTls? tls) => this with { Tls = tls };

    /// <summary>The protocol of node addresses: with TLS Akka names its transport <c>ssl.tcp</c>, so a plaintext address cannot be dialled by mistake.</summary>
    public static string Protocol(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>
    /// The largest message between nodes and clients (Akka's default is 128 kB): a run read for <c>workflow show --cluster</c>
    /// carries all its events, and a start its whole definition.
    /// </summary>
    public const int MaximumFrameBytes = 16_000_000;

    internal static string FrameSize => $"maximum-frame-size = {MaximumFrameBytes.ToString(CultureInfo.InvariantCulture)}b";

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> saying which one is wrong and how.</summary>
    public ClusterNodeOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("the host to bind must not be empty (e.g. 127.0.0.1)", nameof(Host));
        if (Port is < 0 or > 65535) throw new ArgumentException($"the port must be 0–65535, not {Port}", nameof(Port));
        if (PublicHost is not null) CheckPublicHost(PublicHost);
        foreach (var seed in Seeds) SeedAddress(seed, Tls is not null);
        return this;
    }

    /// <summary>
    /// Checks a name other processes reach this one by (a node's, a console client's); throws <see cref="ArgumentException"/> when it
    /// is no host name: they dial it, so an address with a scheme or port, or a bind-all address, would leave them unable to.
    /// </summary>
    public static string CheckPublicHost(string publicHost)
    {
        if (Uri.CheckHostName(publicHost) == UriHostNameType.Unknown || publicHost is "0.0.0.0" or "::")
            throw new ArgumentException($"'{publicHost}' is not a host name other nodes can reach this one by; give a name or IP alone, without port (e.g. node1)", nameof(PublicHost));
        return publicHost;
    }

    /// <summary>
    /// A node's address (a seed, a contact) for a process with TLS or without; throws <see cref="ArgumentException"/> naming it and
    /// the expected form, or saying that it is a node of the other kind (TLS nodes and plaintext ones never talk to each other).
    /// </summary>
    public static Address SeedAddress(string seed, bool tls = false)
    {
        var protocol = Protocol(tls);
        var wrong = $"'{seed}' is not a node address; write it as {protocol}://{SystemName}@HOST:PORT";
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException(wrong, nameof(Seeds), ex);
        }
        if (address.System != SystemName || address.Host is null || address.Port is null) throw new ArgumentException(wrong, nameof(Seeds));
        if (address.Protocol == protocol) return address;
        if (address.Protocol != Protocol(!tls)) throw new ArgumentException(wrong, nameof(Seeds));
        throw new ArgumentException(tls
            ? $"'{seed}' is a plaintext address, but this process uses TLS: write it as {protocol}://{SystemName}@HOST:PORT (as a node with TLS prints it)"
            : $"'{seed}' is the address of a node with TLS: this process needs the cluster's TLS certificate too (docs/cluster.md, Security)",
            nameof(Seeds));
    }

    /// <summary>
    /// The node's Akka configuration: cluster provider, remoting, our serializer for every run message and event (never Akka's
    /// default Newtonsoft), the split-brain resolver (keep-majority) and failure detection tuned so that a lost node's runs
    /// continue elsewhere within about 10 s (Akka's defaults take about 15 s). With <see cref="Tls"/>, create the actor system with
    /// <see cref="ToSetups"/> too: the certificate and its validation are no configuration.
    /// </summary>
    public string ToHocon()
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        var roles = string.Join(", ", Roles.Select(Quote));
        var publicHost = PublicHost is null ? "" : $"public-hostname = {Quote(PublicHost)}";
        var tls = Tls is null ? "" : RemotingTls.Hocon;
        return $$"""
            {{WorkflowSerializer.Hocon}}
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp {
              hostname = {{Quote(Host)}}
              port = {{Port.ToString(CultureInfo.InvariantCulture)}}
              {{publicHost}}
              {{FrameSize}}
            }
            {{tls}}
            akka.cluster {
              roles = [{{roles}}]
              # Keep-majority: the side with more nodes goes on, the other downs itself (run 3+ nodes, or use a lease).
              downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              split-brain-resolver {
                active-strategy = keep-majority
                stable-after = 1500ms
              }
              failure-detector {
                heartbeat-interval = 500ms
                acceptable-heartbeat-pause = 2s
              }
              # A lost node is noticed, downed and removed in ticks of these (1 s each by default: up to 3 s of waiting on ticks).
              unreachable-nodes-reaper-interval = 250ms
              leader-actions-interval = 250ms
              gossip-interval = 250ms
              # Shards and the coordinator of a removed node start on a survivor after this margin (stable-after by default): the
              # other side of a partition has downed itself by then, and the journal refuses a write of a node that did not.
              down-removal-margin = 1s
              # The receptionist of console clients (and the pub-sub gossip under it) lives on the runs nodes only: an app node
              # of another role neither hosts it nor is sent its gossip.
              client.receptionist.role = {{Quote(RunsRole)}}
              pub-sub.role = {{Quote(RunsRole)}}
              sharding {
                # Unfinished runs restart on a surviving node: the entities to restart are kept in the journal.
                remember-entities = on
                remember-entities-store = eventsourced
                # The first message to a new run must not wait for the region's registration (2 s by default).
                retry-interval = 200ms
              }
            }
            # A node that leaves lets its runs finish the steps they are running before they move (up to this long).
            akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = {{(int)HandOffLimit.TotalSeconds}}s
            akka.cluster.sharding.hand-off-timeout = {{(int)HandOffLimit.TotalSeconds}}s
            """;
    }

    /// <summary>What the node's actor system needs besides <see cref="ToHocon"/>: TLS's certificate and validation, if any.</summary>
    public Setup[] ToSetups() => Tls is null ? [] : [Tls.ToSetup()];
}
