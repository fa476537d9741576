using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Cli.Tests.Support;
using CliRunner = LlmSpell.Cli.Tests.Support.Cli;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;
using Npgsql;
using static LlmSpell.Actors.Cluster.Tests.Messaging.MessagingHarness;

namespace LlmSpell.Actors.Cluster.Tests.Messaging;

/// <summary><c>llmspell workflow … --postgres</c> as a real process, against runs on a node of a real cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkflowCommandsClusterSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private MessagingHarness _cluster = null!;
    private CliRunner _cli = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _cluster = await MessagingHarness.StartAsync(postgres, nameof(WorkflowCommandsClusterSpec));
        _connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SearchPath = _cluster.Schema }.ConnectionString;
        _cli = new CliRunner(_data.Path);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Workflow_signal_with_postgres_delivers_the_signal_to_the_node_running_the_run()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools().Echo("publish"));
        var run = await a.StartAsync(Sequential("approve", Wait("approval", "approved"), Tool("publish")));
        var client = await _cluster.ClientAsync();
        await foreach (var e in client.Run(run.Id).WatchAsync().WithCancellation(new CancellationTokenSource(Limit).Token))
            if (e is SignalAwaited) break;

        var show = await _cli.RunAsync("workflow", "show", run.Id, "--postgres", _connection);
        show.ExitCode.Should().Be(0, show.ToString());
        show.Stdout.Should().Contain("paused").And.Contain("approved");

        var signal = await _cli.RunAsync("workflow", "signal", run.Id, "approved", "--data", """{"by":"cli"}""", "--postgres", _connection);

        signal.ExitCode.Should().Be(0, signal.ToString());
        signal.Stdout.Should().Contain($"Delivered signal 'approved' to run {run.Id} on node {a.Name}");
        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Steps.Single(s => s.Name == "approval").Output!["by"]!.GetValue<string>().Should().Be("cli");

        var wrong = await _cli.RunAsync("workflow", "signal", run.Id, "approved", "--postgres", _connection);
        wrong.ExitCode.Should().Be(2, wrong.ToString());
        wrong.Stderr.Should().Contain("already finished");
    }

    [Fact]
    public async Task Workflow_cancel_with_postgres_has_the_owning_node_cancel_the_run()
    {
        var tools = new ScriptedTools().Hangs("slow");
        var a = await _cluster.NodeAsync("a", tools);
        var run = await a.StartAsync(Sequential("long", Tool("slow")));
        await tools.WhenCalled("slow").WaitAsync(Limit);

        var cancel = await _cli.RunAsync("workflow", "cancel", run.Id, "--reason", "from the cli", "--postgres", _connection);

        cancel.ExitCode.Should().Be(0, cancel.ToString());
        cancel.Stdout.Should().Contain($"Cancelled run {run.Id} on node {a.Name}");
        var result = await run.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Cancelled);
        result.Error.Should().Contain("from the cli");
        tools.CancellationObserved("slow").Should().BeTrue("the node that runs it stopped the step");
        // The config's postgres does what --postgres does.
        var config = _data.File("cluster.json", new System.Text.Json.Nodes.JsonObject { ["postgres"] = _connection }.ToJsonString());
        var list = await _cli.RunAsync("--config", config, "workflow", "list", "--status", "cancelled");
        list.ExitCode.Should().Be(0, list.ToString());
        list.Stdout.Should().Contain(run.Id);
    }

    [Fact]
    public async Task Without_a_node_holding_the_run_signal_says_what_to_do_and_cancel_records_it_in_the_journal()
    {
        var a = await _cluster.NodeAsync("a", new ScriptedTools());
        var run = await a.StartAsync(Sequential("orphan", Wait("approval", "approved")));
        var client = await _cluster.ClientAsync();
        await foreach (var e in client.Run(run.Id).WatchAsync().WithCancellation(new CancellationTokenSource(Limit).Token))
            if (e is SignalAwaited) break;
        await a.StopAsync();
        await _cluster.ExecuteAsync($"DELETE FROM {_cluster.Schema}.run_leases WHERE run_id = $1", run.Id);

        var signal = await _cli.RunAsync("workflow", "signal", run.Id, "approved", "--postgres", _connection);
        signal.ExitCode.Should().Be(1, signal.ToString());
        signal.Stderr.Should().Contain("not running on any node").And.Contain($"llmspell workflow resume {run.Id} --postgres");

        var cancel = await _cli.RunAsync("workflow", "cancel", run.Id, "--postgres", _connection);
        cancel.ExitCode.Should().Be(0, cancel.ToString());
        cancel.Stdout.Should().Contain($"Cancelled run {run.Id}");
        (await a.Engine.GetSummaryAsync(run.Id)).State.Should().Be(RunState.Cancelled);
    }

    [Fact]
    public async Task Workflow_resume_with_postgres_has_the_least_loaded_live_node_take_the_run_up()
    {
        var gate = new TaskCompletionSource();
        var before = new ScriptedTools().Counts("one").WaitsFor("two", gate.Task);
        var a = await _cluster.NodeAsync("a", before);
        var run = await a.StartAsync(Sequential("moved", Tool("one"), Tool("two")));
        await before.WhenCalled("two").WaitAsync(Limit);
        await a.StopAsync();
        // Node a is down (its heartbeat expired), and so are the nodes of earlier specs of this class (they share the schema).
        await _cluster.ExecuteAsync($"UPDATE {_cluster.Schema}.nodes SET expires_at = now() - interval '1 second'");

        var none = await _cli.RunAsync("workflow", "resume", run.Id, "--postgres", _connection);
        none.ExitCode.Should().Be(1, none.ToString());
        none.Stderr.Should().Contain("no node of the cluster is running").And.Contain("llmspell node start --postgres");

        var after = new ScriptedTools().Counts("one").Echo("two");
        var b = await _cluster.NodeAsync("b", after);
        var resume = await _cli.RunAsync("workflow", "resume", run.Id, "--postgres", _connection);

        resume.ExitCode.Should().Be(0, resume.ToString());
        resume.Stdout.Should().Contain($"Run {run.Id} resumes on node {b.Name}");
        var result = await b.Resumed.Should().ContainSingle().Subject.Completion.WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("one").Should().Be(0, "step one completed before the run moved");
        var again = await _cli.RunAsync("workflow", "resume", run.Id, "--postgres", _connection);
        again.ExitCode.Should().Be(2, again.ToString());
        again.Stderr.Should().Contain("already finished");
    }
}
