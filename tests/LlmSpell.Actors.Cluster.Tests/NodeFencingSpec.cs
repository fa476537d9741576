using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class NodeFencingSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Steps = 4;
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(postgres, nameof(NodeFencingSpec), TimeSpan.FromMilliseconds(700));

    [Fact]
    public async Task A_node_paused_past_its_lease_is_fenced_when_it_continues_and_its_run_completes_once_on_the_node_that_took_it_over()
    {
        var paused = await _cluster.StartNodeAsync("p1");
        var step2 = _cluster.Hold("pause-step2");
        var (runId, owner) = await _cluster.Client.SubmitAsync(ClusterRuns.Definition("pause", Steps));
        owner.Should().Be("p1");
        await _cluster.StartNodeAsync("p2");
        await _cluster.AskedAsync(ClusterRuns.Prompt("pause", 2));

        // Paused with a step call in flight (held by the LLM server until p2 has taken the run over).
        paused.Pause();
        await ClusterDb.UntilAsync(async () => (await _cluster.Db.LeasesAsync()).TryGetValue(runId, out var lease) && lease.Owner == "p2",
            "p2 to take the run over once p1's lease lapsed");
        var leaseAfterTakeover = (await _cluster.Db.LeasesAsync())[runId];
        leaseAfterTakeover.Epoch.Should().Be(2);
        await ClusterDb.UntilAsync(async () => (await _cluster.Db.JournalAsync(runId)).Count(e => e.Manifest == "workflow-resumed.v1") >= 2,
            "p2 to resume the run");

        // p1 goes on where it stopped: its step's answer arrives and its write of it is refused.
        step2.SetResult();
        await _cluster.AskedAsync(ClusterRuns.Prompt("pause", 3));
        paused.Continue();
        await paused.StderrLineAsync($"Run {runId} was fenced on node p1");
        await _cluster.AllEndedAsync([runId]);

        var journal = await _cluster.Db.JournalAsync(runId);
        journal[^1].Manifest.Should().Be("workflow-completed.v1", _cluster.Logs);
        journal.Count(ClusterDb.IsTerminal).Should().Be(1, "the run ends once");
        journal.Where(e => e.Manifest == "step-completed.v1").Select(e => e.Key).Should().OnlyHaveUniqueItems().And.HaveCount(Steps);
        journal.Where(e => e.Manifest is "workflow-cancelled.v1" or "workflow-failed.v1").Should().BeEmpty("p1's stop is not journaled");
        paused.Stderr.Should().Contain("no longer holds the lease", "the refusal is the fencing token's");
        // p1 stays a member: it heartbeats again, owning nothing.
        await ClusterDb.UntilAsync(async () => await _cluster.Db.NodeStateAsync("p1") == "up", "p1 to heartbeat again");
        await _cluster.NoLeasesAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
