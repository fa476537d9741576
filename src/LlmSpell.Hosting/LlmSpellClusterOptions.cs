using LlmSpell.Actors.Cluster;

namespace LlmSpell.Hosting;

/// <summary>
/// The host as a cluster node (section <c>LlmSpell:Cluster</c>): its journal is the cluster's PostgreSQL
/// (<c>PostgresConnectionString</c>), it runs the runs whose lease it holds and takes over those of dead nodes.
/// Every default lives here.
/// </summary>
public sealed record LlmSpellClusterOptions
{
    public static readonly LlmSpellClusterOptions Default = new();

    /// <summary>Whether the host joins a cluster (default false: a single node on its own journal).</summary>
    public bool Enabled { get; init; }

    /// <summary>The node's name, unique among live nodes; default <c>&lt;host&gt;-&lt;pid&gt;</c>.</summary>
    public string? NodeName { get; init; }

    /// <summary>Shown by <c>llmspell node list</c>, e.g. the service's URL; default the machine name.</summary>
    public string? Address { get; init; }

    /// <summary>The PostgreSQL schema of the shared journal and the cluster tables; default the connection string's Search Path, else <c>public</c>.</summary>
    public string? Schema { get; init; }

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan LeaseExpiry { get; init; } = TimeSpan.FromSeconds(5);

    public RunPlacement Placement { get; init; } = RunPlacement.SubmittingNode;

    /// <summary>The cluster options of a node on <paramref name="connectionString"/>; throws <see cref="ArgumentException"/> naming a bad value.</summary>
    public ClusterOptions ToClusterOptions(string connectionString)
    {
        var options = new ClusterOptions(connectionString).WithLeases(HeartbeatInterval, LeaseExpiry).WithPlacement(Placement);
        if (Schema is not null) options = options.WithSchema(Schema);
        if (NodeName is not null) options = options.WithNodeName(NodeName);
        if (Address is not null) options = options.WithAddress(Address);
        return options;
    }
}
