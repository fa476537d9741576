using Akka.Actor;
using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Tests.Execution;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests.Messaging;

/// <summary>
/// Nodes in one process on a real PostgreSQL schema: each node is an actor system with a durable engine on the shared
/// journal and an <see cref="InboxDispatcher"/>. Ownership is simulated with rows in <c>nodes</c> and <c>run_leases</c>
/// (the membership part of the cluster does that in production). Names carry a per-test suffix, since the tests of a
/// class share a schema.
/// </summary>
public sealed class MessagingHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<ActorSystem> _systems = [];
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    private MessagingHarness(PostgresStore store, NpgsqlDataSource dataSource)
    {
        Store = store;
        DataSource = dataSource;
    }

    public static TimeSpan Limit => TimeSpan.FromSeconds(30);

    public PostgresStore Store { get; }
    public NpgsqlDataSource DataSource { get; }
    public string Schema => Store.Options.Schema;
    public ClusterInbox Inbox => new(DataSource, Schema);

    public static async Task<MessagingHarness> StartAsync(PostgresFixture postgres, string key)
    {
        var store = await postgres.StoreAsync(key);
        var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await ClusterSchema.MigrateAsync(dataSource, store.Options.Schema);
        var harness = new MessagingHarness(store, dataSource);
        harness._disposables.Add(dataSource);
        return harness;
    }

    /// <summary>A name unique to this test.</summary>
    public string Name(string name) => $"{name}-{_suffix}";

    /// <summary>A node: a live row in <c>nodes</c>, an engine on the shared journal, and its dispatcher started.</summary>
    public async Task<Node> NodeAsync(string name, IToolRegistry tools, InboxOptions? options = null)
    {
        var nodeName = Name(name);
        await ExecuteAsync($"INSERT INTO {Schema}.nodes (name, expires_at) VALUES ($1, now() + interval '1 hour')", nodeName);
        var system = ActorSystem.Create($"node-{name}", "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        _systems.Add(system);
        var runIds = 0;
        var engine = new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = new ScriptedAgents() },
            WorkflowEngineOptions.Default
                .WithDurability(new DurableRunOptions(Store.Journal).WithResumeOnStart(false))
                .WithRunIdGenerator(() => $"{nodeName}-run{Interlocked.Increment(ref runIds)}"));
        var node = new Node(this, nodeName, engine, system);
        var dispatcher = new InboxDispatcher(DataSource, Schema, nodeName, engine, engine, options: options,
            resumeRun: async (runId, ct) =>
            {
                await LeaseAsync(runId, nodeName);
                node.Resumed.Add(await engine.ResumeAsync(runId, ct));
            });
        node.Dispatcher = dispatcher;
        _disposables.Add(dispatcher);
        await dispatcher.StartAsync();
        return node;
    }

    public async Task<ClusterClient> ClientAsync()
    {
        var client = await ClusterClient.StartAsync(DataSource, Schema, Store.Journal);
        _disposables.Add(client);
        return client;
    }

    /// <summary>Gives the run's lease to <paramref name="owner"/> (as a take-over would).</summary>
    public Task LeaseAsync(string runId, string owner) => ExecuteAsync(
        $"""
        INSERT INTO {Schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ($1, $2, 1, now() + interval '1 hour')
        ON CONFLICT (run_id) DO UPDATE SET owner = EXCLUDED.owner, epoch = {Schema}.run_leases.epoch + 1
        """, runId, owner);

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Completes once the message's delivery is committed.</summary>
    public async Task WaitDeliveredAsync(Guid id)
    {
        var until = DateTime.UtcNow + Limit;
        // A condition in the database: the test has no event to subscribe to for a commit on the receiver's side.
        while (await ScalarAsync<DateTime?>($"SELECT delivered_at FROM {Schema}.cluster_inbox WHERE message_id = $1", id) is null)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"message {id} was not delivered within {Limit}");
            await Task.Delay(20);
        }
    }

    public static StepDefinition Tool(string name) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = name, Parameters = new JsonObject() },
    };

    public static StepDefinition Wait(string name, string signal) => new()
    {
        Name = name,
        Kind = StepKind.Wait,
        Wait = new WaitStepSpec { Signal = signal },
    };

    public static WorkflowDefinition Sequential(string name, params StepDefinition[] steps) => new()
    {
        Name = name,
        Type = WorkflowType.Sequential,
        Steps = steps,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
        for (var i = _disposables.Count - 1; i >= 0; i--) await _disposables[i].DisposeAsync();
    }

    /// <summary>A node of the harness.</summary>
    public sealed class Node(MessagingHarness harness, string name, WorkflowEngine engine, ActorSystem system)
    {
        /// <summary>Stops the node's runs as a crash would leave them: unfinished in the journal, its lease still naming it.</summary>
        public async Task StopAsync()
        {
            await Dispatcher.DisposeAsync();
            await system.Terminate();
            await Engine.FlushJournalsAsync();
        }

        public string Name { get; } = name;
        public WorkflowEngine Engine { get; } = engine;
        public InboxDispatcher Dispatcher { get; internal set; } = null!;
        public System.Collections.Concurrent.ConcurrentBag<IWorkflowRun> Resumed { get; } = [];

        /// <summary>Starts a run here and takes its lease.</summary>
        public async Task<IWorkflowRun> StartAsync(WorkflowDefinition definition, JsonNode? input = null)
        {
            var run = await Engine.StartAsync(definition, input);
            await harness.LeaseAsync(run.Id, Name);
            return run;
        }
    }
}
