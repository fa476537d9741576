using System.Text.RegularExpressions;

namespace LlmSpell.Actors.Cluster;

/// <summary>Where a new run goes.</summary>
public enum RunPlacement
{
    /// <summary>The node that starts it (a client without a node uses the least-loaded node).</summary>
    SubmittingNode,

    /// <summary>The live node owning the fewest runs.</summary>
    LeastLoaded,
}

/// <summary>Options of a cluster node or client; every default lives here.</summary>
public sealed partial record ClusterOptions
{
    /// <summary>Options for the cluster on the PostgreSQL server at <paramref name="connectionString"/> (Npgsql keyword form).</summary>
    public ClusterOptions(string connectionString)
    {
        ConnectionString = !string.IsNullOrWhiteSpace(connectionString)
            ? connectionString
            : throw new ArgumentException("A PostgreSQL connection string is required (e.g. 'Host=db;Username=llmspell;Database=llmspell').", nameof(connectionString));
        Schema = ClusterSchema.SchemaOf(connectionString);
    }

    public string ConnectionString { get; init; }

    /// <summary>
    /// The schema of the journal and the cluster tables: every node of one cluster uses the same. Default: the first
    /// schema of the connection string's Search Path, else <c>public</c>.
    /// </summary>
    public string Schema { get; init; }

    /// <summary>This node's name, unique among live nodes. Default: <c>&lt;host&gt;-&lt;pid&gt;</c>.</summary>
    public string NodeName { get; init; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>Shown by <c>llmspell node list</c> (e.g. host:port of a service embedding the node).</summary>
    public string Address { get; init; } = Environment.MachineName;

    /// <summary>How often the node renews its lease and its runs' leases, and looks for runs to take over.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a lease lasts without renewal: a node silent this long is presumed dead and its runs are taken over.</summary>
    public TimeSpan LeaseExpiry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where new runs go.</summary>
    public RunPlacement Placement { get; init; } = RunPlacement.SubmittingNode;

    public ClusterOptions WithSchema(string schema) =>
        Identifier().IsMatch(schema ?? "")
            ? this with { Schema = schema! }
            : throw new ArgumentException($"The cluster schema must be a lower-case SQL identifier (letters, digits, _), got '{schema}'.", nameof(schema));

    public ClusterOptions WithNodeName(string name) =>
        NodeNamePattern().IsMatch(name ?? "")
            ? this with { NodeName = name! }
            : throw new ArgumentException($"A node name is 1–63 letters, digits, '-', '_' or '.', got '{name}'.", nameof(name));

    public ClusterOptions WithAddress(string address) => this with { Address = address ?? "" };

    /// <summary>Sets the heartbeat and the lease expiry together: the expiry must leave room for at least two missed heartbeats.</summary>
    public ClusterOptions WithLeases(TimeSpan heartbeatInterval, TimeSpan leaseExpiry)
    {
        if (heartbeatInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(heartbeatInterval), heartbeatInterval, "the heartbeat interval must be positive");
        if (leaseExpiry < 2 * heartbeatInterval)
            throw new ArgumentOutOfRangeException(nameof(leaseExpiry), leaseExpiry,
                $"the lease expiry must be at least twice the heartbeat interval ({heartbeatInterval.TotalSeconds:0.###} s), so that one late heartbeat does not lose the runs");
        return this with { HeartbeatInterval = heartbeatInterval, LeaseExpiry = leaseExpiry };
    }

    public ClusterOptions WithPlacement(RunPlacement placement) =>
        Enum.IsDefined(placement) ? this with { Placement = placement } : throw new ArgumentOutOfRangeException(nameof(placement), placement, "unknown placement");

    /// <summary>The NOTIFY channel on which nodes hear that a run's lease was handed to them.</summary>
    internal string Channel => ("llmspell_leases_" + Schema)[..Math.Min(63, 16 + Schema.Length)];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,63}$")]
    private static partial Regex NodeNamePattern();
}
