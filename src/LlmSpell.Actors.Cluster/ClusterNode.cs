using Akka.Actor;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlmSpell.Actors.Cluster;

/// <summary>
/// A long-lived member of a cluster: registered in <c>nodes</c> with a heartbeat lease, it runs exactly the runs whose
/// lease it holds (<c>SELECT run_id FROM run_leases WHERE owner = Name</c>), takes over the runs of nodes that stopped
/// heartbeating, and on leave hands its runs to the others. Every journal write of a run carries this node's epoch
/// for it as a fencing token: once another node took the run over, nothing more of this node's lands in its journal.
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable
{
    private readonly ClusterStore _store;
    private readonly ActorSystem _system;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly IReadOnlyList<IClusterNodeService> _services;
    private readonly ConcurrentDictionary<string, LocalRun> _local = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _serviceTasks = [];
    private Task _loop = Task.CompletedTask;
    private Task _listener = Task.CompletedTask;
    private int _left;

    /// <summary>A run this node runs here, with the epoch of its lease when it took it (the fencing token of its writes).</summary>
    private sealed class LocalRun(long epoch)
    {
        public long Epoch { get; } = epoch;
        public IWorkflowRun? Run { get; set; }
        public bool Lost { get; set; }
    }

    private ClusterNode(ClusterOptions options, ClusterStore store, ActorSystem system, IReadOnlyList<IClusterNodeService> services, ILoggerFactory loggers)
    {
        _loggers = loggers;
        Options = options;
        _store = store;
        _system = system;
        _services = services;
        _log = loggers.CreateLogger<ClusterNode>();
    }

    public ClusterOptions Options { get; }

    public string Name => Options.NodeName;

    /// <summary>Connections to the cluster's PostgreSQL (for extra node services).</summary>
    public NpgsqlDataSource DataSource => _store.DataSource;

    public string Schema => Options.Schema;

    /// <summary>This node's engine: its runs journal into the shared, fenced journal.</summary>
    public WorkflowEngine Engine { get; private set; } = null!;

    /// <summary>The engine API for code on this node: runs start here, under a lease (cancel and signal reach the runs running here).</summary>
    public IWorkflowEngine Workflows => _workflows ??= new LeasedEngine(this);

    private LeasedEngine? _workflows;

    private sealed class LeasedEngine(ClusterNode node) : IWorkflowEngine
    {
        public Task<IWorkflowRun> StartAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default) =>
            node.StartHereAsync(definition, input, cancellationToken);

        public async Task<WorkflowResult> RunAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
        {
            var run = await StartAsync(definition, input, cancellationToken).ConfigureAwait(false);
            await using var cancel = cancellationToken.Register(() => _ = run.CancelAsync("the caller cancelled the run"));
            return await run.Completion.ConfigureAwait(false);
        }

        public Task SignalAsync(string runId, string signal, JsonNode? payload = null, CancellationToken cancellationToken = default) =>
            node.Engine.SignalAsync(runId, signal, payload, cancellationToken);

        public Task CancelAsync(string runId, string reason = "cancelled by request", CancellationToken cancellationToken = default) =>
            node.Engine.CancelAsync(runId, reason, cancellationToken);
    }

    /// <summary>Run operations over the whole cluster's journal (list, history, export); writes are fenced to the runs this node owns.</summary>
    public IWorkflowOperations Operations => Engine;

    /// <summary>The runs running on this node now.</summary>
    public IReadOnlyCollection<string> LocalRuns => _local.Keys.ToArray();

    /// <summary>Cancelled when the node starts leaving.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Joins the cluster: opens the fenced journal and the cluster tables, registers the node, creates its engine on
    /// <paramref name="system"/> with <paramref name="services"/>, starts the heartbeat, and takes over lapsed runs.
    /// </summary>
    public static async Task<ClusterNode> StartAsync(ClusterOptions options, ActorSystem system, WorkflowServices services,
        IEnumerable<IClusterNodeService>? nodeServices = null, WorkflowEngineOptions? engineOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(services);
        ClusterNode? node = null;
        var store = await ClusterStore.OpenAsync(options, options.NodeName, runId => node?.EpochOf(runId), cancellationToken).ConfigureAwait(false);
        node = new ClusterNode(options, store, system, nodeServices?.ToArray() ?? [], services.LoggerFactory);
        var registered = false;
        try
        {
            if (!(registered = await store.Tables.RegisterAsync(options.NodeName, options.Address, cancellationToken).ConfigureAwait(false)))
                throw new ClusterException($"A live node named '{options.NodeName}' is already in the cluster (schema {options.Schema}). Give this node another name (--name), or stop that one first.");
            // The cluster decides which runs this node resumes: never all unfinished runs of the shared journal.
            var durability = new DurableRunOptions(store.Journal.Journal).WithResumeOnStart(false);
            node.Engine = new WorkflowEngine(system, services, (engineOptions ?? WorkflowEngineOptions.Default).WithDurability(durability));
            await node.StartLoopsAsync(cancellationToken).ConfigureAwait(false);
            await node.StartInboxAsync(cancellationToken).ConfigureAwait(false);
            foreach (var service in node._services) node._serviceTasks.Add(service.StartAsync(node, node._stopping.Token));
            node._log.LogInformation("Node {Node} joined the cluster (schema {Schema}; heartbeat {Heartbeat}, lease expiry {Expiry})",
                options.NodeName, options.Schema, options.HeartbeatInterval, options.LeaseExpiry);
            return node;
        }
        catch
        {
            await node.StopInboxAsync().ConfigureAwait(false);
            await node.StopLoopsAsync().ConfigureAwait(false);
            // A start that failed half-way frees the name at once rather than when its heartbeat expires.
            if (registered) await node.TrySetStateAsync("left").ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task TrySetStateAsync(string state)
    {
        try
        {
            await _store.Tables.SetStateAsync(Name, state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _log.LogDebug(ex, "Node {Node} could not record its state {State}", Name, state);
        }
    }

    private long? EpochOf(string runId) => _local.TryGetValue(runId, out var run) ? run.Epoch : null;

    /// <summary>
    /// Starts a run in the cluster. With <see cref="RunPlacement.SubmittingNode"/> it runs here; with
    /// <see cref="RunPlacement.LeastLoaded"/> it goes to the live node owning the fewest runs (which may be this one),
    /// and the returned handle is null when it runs elsewhere. Returns the run id and its owner.
    /// </summary>
    public async Task<(string RunId, string Owner, IWorkflowRun? Run)> StartRunAsync(WorkflowDefinition definition, JsonNode? input = null,
        CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _left) != 0) throw new ClusterException($"Node '{Name}' is leaving the cluster and takes no new runs.");
        var owner = Options.Placement == RunPlacement.LeastLoaded
            ? await _store.Tables.LeastLoadedAsync(null, cancellationToken).ConfigureAwait(false) ?? Name
            : Name;
        if (owner != Name)
        {
            var submitted = await ClusterSubmitter.SubmitAsync(Engine, _store.Tables, owner, definition, input, cancellationToken).ConfigureAwait(false);
            return (submitted, owner, null);
        }
        var run = await StartHereAsync(definition, input, cancellationToken).ConfigureAwait(false);
        return (run.Id, Name, run);
    }

    /// <summary>Starts a run on this node under a new lease (epoch 1): its first write is already fenced.</summary>
    private async Task<IWorkflowRun> StartHereAsync(WorkflowDefinition definition, JsonNode? input, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _left) != 0) throw new ClusterException($"Node '{Name}' is leaving the cluster and takes no new runs.");
        var runId = Guid.NewGuid().ToString("N");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.Tables.AssignNewAsync(runId, Name, notify: false, cancellationToken).ConfigureAwait(false);
            var local = _local[runId] = new LocalRun(1);
            try
            {
                local.Run = await Engine.StartAsync(runId, definition, input, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _local.TryRemove(runId, out _);
                await _store.Tables.ReleaseEndedAsync(runId, Name, 1, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            WatchEnd(runId, local);
            return local.Run;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The nodes of the cluster, with their state, heartbeat age and number of runs.</summary>
    public Task<IReadOnlyList<ClusterNodeInfo>> ListNodesAsync(CancellationToken cancellationToken = default) => _store.Tables.ListNodesAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}

/// <summary>A cluster operation could not be done; the message says why and what to do.</summary>
public sealed class ClusterException(string message, Exception? inner = null) : Exception(message, inner);
