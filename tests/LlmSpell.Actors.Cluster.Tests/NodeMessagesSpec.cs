using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Actors.Cluster.Tests;

/// <summary>Real node processes take the messages to their runs: the CLI, as another machine, cancels and signals them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeMessagesSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(postgres, nameof(NodeMessagesSpec), TimeSpan.Zero);

    private async Task<string> OwnerAsync(string runId)
    {
        await ClusterDb.UntilAsync(async () => (await _cluster.Db.LeasesAsync()).ContainsKey(runId), $"run {runId} to have an owner");
        return (await _cluster.Db.LeasesAsync())[runId].Owner;
    }

    [Fact]
    public async Task A_run_on_a_node_process_is_cancelled_from_another_machine_and_its_call_is_stopped()
    {
        await _cluster.StartNodeAsync("m1");
        _cluster.Hold("-step1");
        var (runId, _) = await _cluster.Client.SubmitAsync(ClusterRuns.Definition("cancelme", 2));
        (await OwnerAsync(runId)).Should().Be("m1");
        await _cluster.AskedAsync(ClusterRuns.Prompt("cancelme", 1));

        var (code, stdout, stderr) = await _cluster.CliAsync("workflow", "cancel", runId, "--reason", "not needed");

        code.Should().Be(0, stderr + _cluster.Logs);
        stdout.Should().Contain(runId);
        await _cluster.AllEndedAsync([runId]);
        var journal = await _cluster.Db.JournalAsync(runId);
        journal[^1].Manifest.Should().Be("workflow-cancelled.v1", _cluster.Logs);
        journal[^1].Payload.ToJsonString().Should().Contain("not needed");
        _cluster.Calls(ClusterRuns.Prompt("cancelme", 2)).Should().Be(0, "the run stopped at its first step");
        await _cluster.NoLeasesAsync();
    }

    [Fact]
    public async Task A_run_waiting_on_a_node_process_is_signalled_from_another_machine_and_completes_there()
    {
        await _cluster.StartNodeAsync("m2");
        var definition = WorkflowParser.Parse(new JsonObject
        {
            ["name"] = "approval",
            ["type"] = "sequential",
            ["steps"] = new JsonArray(
                new JsonObject { ["name"] = "approve", ["step_type"] = "wait", ["signal"] = "approved" },
                new JsonObject { ["name"] = "publish", ["step_type"] = "agent", ["input"] = "publish {{steps.approve.output.who}}" }),
        });
        var (runId, _) = await _cluster.Client.SubmitAsync(definition);
        (await OwnerAsync(runId)).Should().Be("m2");
        await ClusterDb.UntilAsync(async () => (await _cluster.Db.JournalAsync(runId)).Any(e => e.Manifest == "signal-awaited.v1"), "the run to wait for its signal");

        var (code, stdout, stderr) = await _cluster.CliAsync("workflow", "signal", runId, "approved", "--data", """{"who": "ada"}""");

        code.Should().Be(0, stderr + _cluster.Logs);
        stdout.Should().Contain("m2");
        await _cluster.AllEndedAsync([runId]);
        (await _cluster.Db.JournalAsync(runId))[^1].Manifest.Should().Be("workflow-completed.v1", _cluster.Logs);
        _cluster.Calls("publish ada").Should().Be(1);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
