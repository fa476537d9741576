using Akka.Actor;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests;

/// <summary>Nodes in this process (tool-only runs): registration, placement and the hand-over API, without child processes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterNodeSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly ClusterDb _db = ClusterDb.For(postgres, nameof(ClusterNodeSpec));
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    private ClusterOptions Options(string name) =>
        new ClusterOptions(postgres.ConnectionString).WithSchema(_db.Schema).WithNodeName(name).WithLeases(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));

    private static WorkflowDefinition Calculation(string name, bool waitForGo = false)
    {
        var steps = new JsonArray(
            new JsonObject { ["name"] = "a", ["step_type"] = "tool", ["tool"] = "calculator", ["parameters"] = new JsonObject { ["expression"] = "6*7" } });
        if (waitForGo) steps.Add(new JsonObject { ["name"] = "go", ["step_type"] = "wait", ["signal"] = "go" });
        return WorkflowParser.Parse(new JsonObject { ["name"] = name, ["type"] = "sequential", ["steps"] = steps });
    }

    private async Task<ClusterNode> StartNodeAsync(ClusterOptions options)
    {
        var system = ActorSystem.Create("node-" + options.NodeName);
        _cleanup.Add(new Disposer(() => system.Terminate()));
        var node = await ClusterNode.StartAsync(options, system, new WorkflowServices { Agents = null!, Tools = new ToolRegistry(BuiltInTools.Create()) });
        _cleanup.Insert(0, node);
        return node;
    }

    private sealed class Disposer(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_node_restarting_under_its_name_fences_its_old_incarnation_and_finishes_its_runs()
    {
        // The old incarnation of "a": a run journaled and leased at epoch 1, and a heartbeat that expired (paused, or dead).
        var epochs = new ConcurrentDictionary<string, long>();
        await using var old = await ClusterStore.OpenAsync(Options("a"), "a", id => epochs.TryGetValue(id, out var e) ? e : null);
        var system = ActorSystem.Create("old-a");
        _cleanup.Add(new Disposer(() => system.Terminate()));
        var engine = new WorkflowEngine(system, new WorkflowServices { Agents = null!, Tools = new ToolRegistry() },
            WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions(old.Journal.Journal).WithResumeOnStart(false)));
        var runId = await engine.SubmitAsync(Calculation("restarted", waitForGo: true));
        epochs[runId] = 1;
        await ExecuteAsync($"INSERT INTO {_db.Schema}.nodes (name, expires_at) VALUES ('a', now() - interval '1 s')");
        await ExecuteAsync($"INSERT INTO {_db.Schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ('{runId}', 'a', 1, now() + interval '1 min')");

        var node = await StartNodeAsync(Options("a"));

        // The new incarnation owns the run at the next epoch and runs it (to its wait step); the old one cannot write it.
        (await _db.LeasesAsync())[runId].Should().Be(("a", 2L));
        await ClusterDb.UntilAsync(async () => (await _db.JournalAsync(runId)).Any(e => e.Manifest == "signal-awaited.v1"), "the new 'a' to run up to the wait step");
        var highest = await old.Journal.Journal.ReadHighestSequenceNrAsync("run-" + runId);
        await old.Invoking(o => o.Journal.Journal.WriteAsync([new PersistentRepr("run-" + runId, highest + 1, "stale.v1", "{}", DateTimeOffset.UtcNow)]))
            .Should().ThrowAsync<FencedException>();

        await node.Workflows.SignalAsync(runId, "go");
        await ClusterDb.UntilAsync(async () => (await _db.JournalAsync(runId)) is { Count: > 0 } events && ClusterDb.IsTerminal(events[^1]), "the run to end on the new 'a'");
        (await _db.JournalAsync(runId))[^1].Manifest.Should().Be("workflow-completed.v1");
        (await _db.JournalAsync(runId)).Should().NotContain(e => e.Manifest == "stale.v1");
        await ClusterDb.UntilAsync(async () => (await _db.LeasesAsync()).Count == 0, "its lease to be dropped");
        node.LocalRuns.Should().BeEmpty();
    }

    [Fact]
    public async Task A_live_node_name_cannot_be_taken_and_least_loaded_placement_sends_a_run_to_the_node_owning_fewest()
    {
        var busy = await StartNodeAsync(Options("busy").WithPlacement(RunPlacement.LeastLoaded));
        await StartNodeAsync(Options("idle"));
        var held = await busy.Workflows.StartAsync(Calculation("held", waitForGo: true));

        await FluentActions.Invoking(() => StartNodeAsync(Options("idle"))).Should().ThrowAsync<ClusterException>()
            .WithMessage("A live node named 'idle' is already in the cluster*Give this node another name (--name)*");
        var (runId, owner, handle) = await busy.StartRunAsync(Calculation("placed"));

        owner.Should().Be("idle");
        handle.Should().BeNull("it runs on another node");
        await ClusterDb.UntilAsync(async () => (await _db.JournalAsync(runId)) is { Count: > 0 } events && ClusterDb.IsTerminal(events[^1]), "the run to end on 'idle'");
        (await _db.JournalAsync(runId))[^1].Manifest.Should().Be("workflow-completed.v1");
        busy.LocalRuns.Should().Equal(held.Id);
    }

    [Fact]
    public async Task A_run_started_on_a_node_runs_there_under_its_lease_and_drops_it_when_it_ends()
    {
        var node = await StartNodeAsync(Options("local"));

        var run = await node.Workflows.StartAsync(Calculation("here"));
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!["result"]!.ToJsonString().Should().Be("42");
        (await _db.JournalAsync(run.Id)).Select(e => e.Manifest).Should().NotContain("workflow-resumed.v1", "it started here, it was not adopted");
        await ClusterDb.UntilAsync(async () => !(await _db.LeasesAsync()).ContainsKey(run.Id), "its lease to be dropped");
    }

    [Fact]
    public async Task A_client_connected_from_anywhere_reaches_a_run_on_a_node_status_and_signal_included()
    {
        var node = await StartNodeAsync(Options("reached"));
        var run = await node.Workflows.StartAsync(Calculation("waits", waitForGo: true));
        await ClusterDb.UntilAsync(async () => (await _db.JournalAsync(run.Id)).Any(e => e.Manifest == "signal-awaited.v1"), "the run to wait for 'go'");

        await using var client = await ClusterClient.ConnectAsync(new ClusterOptions(postgres.ConnectionString).WithSchema(_db.Schema));
        var status = await client.Run(run.Id).Ask<RunStatusReply>(RunMessage.GetStatus.Instance, TimeSpan.FromSeconds(30));
        await client.Run(run.Id).Ask<Acknowledged>(new RunMessage.Signal("go", JsonValue.Create("now")), TimeSpan.FromSeconds(30));

        status.Node.Should().Be("reached");
        status.State.Should().Be(RunState.Unfinished);
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Step("go")!.Output!.GetValue<string>().Should().Be("now");
    }

    [Fact]
    public async Task A_node_asked_to_resume_a_run_another_live_node_holds_answers_why_it_does_not()
    {
        var holder = await StartNodeAsync(Options("holder"));
        await StartNodeAsync(Options("asked"));
        var run = await holder.Workflows.StartAsync(Calculation("held", waitForGo: true));
        await using var client = await ClusterClient.ConnectAsync(new ClusterOptions(postgres.ConnectionString).WithSchema(_db.Schema));

        var act = () => client.ResumeOnAsync("asked", run.Id, TimeSpan.FromSeconds(30));

        (await act.Should().ThrowAsync<ClusterMessageException>()).Which.Message.Should().Contain($"run {run.Id} is held by another live node");
        (await _db.LeasesAsync())[run.Id].Owner.Should().Be("holder");
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _db.DisposeAsync();
    }
}
