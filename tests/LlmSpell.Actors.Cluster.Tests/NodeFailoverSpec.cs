using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class NodeFailoverSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Steps = 4;
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(postgres, nameof(NodeFailoverSpec), TimeSpan.FromMilliseconds(700));

    [Fact]
    public async Task Runs_spread_over_three_nodes_and_the_runs_of_a_killed_node_complete_on_the_others_without_repeating_a_completed_step()
    {
        var nodes = await _cluster.StartNodesAsync("n1", "n2", "n3");
        var step3 = _cluster.Hold("-step3");
        var owners = new Dictionary<string, string>();
        for (var i = 1; i <= 6; i++)
        {
            var (runId, node) = await _cluster.Client.SubmitAsync(ClusterRuns.Definition($"kill{i}", Steps));
            owners[runId] = node;
        }
        var prompts = owners.Keys.Select((runId, i) => (runId, Run: $"kill{i + 1}")).ToDictionary(x => x.runId, x => x.Run);

        // Least-loaded placement spreads them: two runs per node.
        owners.Values.GroupBy(n => n).Should().HaveCount(3).And.OnlyContain(g => g.Count() == 2);

        var victim = owners.Values.First();
        var victimRuns = owners.Where(o => o.Value == victim).Select(o => o.Key).ToArray();
        // Every run on the victim has completed two steps and waits in its third.
        foreach (var runId in victimRuns) await _cluster.AskedAsync(ClusterRuns.Prompt(prompts[runId], 3));

        await nodes.Single(n => n.Name == victim).KillAsync();
        // Dead: what its runs' journals hold now is all it completed; nobody else may write them before its leases lapse.
        var completedBeforeKill = new Dictionary<string, IReadOnlyList<string>>();
        var writtenBeforeKill = new Dictionary<string, long>();
        foreach (var runId in victimRuns)
        {
            completedBeforeKill[runId] = await _cluster.CompletedStepsAsync(runId);
            writtenBeforeKill[runId] = (await _cluster.Db.JournalAsync(runId))[^1].SequenceNr;
        }

        step3.SetResult();
        await _cluster.AllEndedAsync(owners.Keys);

        foreach (var runId in owners.Keys)
        {
            var journal = await _cluster.Db.JournalAsync(runId);
            journal[^1].Manifest.Should().Be("workflow-completed.v1", $"run {runId} ends completed\n{_cluster.Logs}");
            journal.Count(ClusterDb.IsTerminal).Should().Be(1);
            journal.Where(e => e.Manifest == "step-completed.v1").Select(e => e.Key).Should().OnlyHaveUniqueItems().And.HaveCount(Steps);
        }
        foreach (var (runId, completed) in completedBeforeKill)
        {
            completed.Should().Equal("s1", "s2");
            foreach (var key in completed)
                _cluster.Calls(ClusterRuns.Prompt(prompts[runId], int.Parse(key[1..]))).Should().Be(1, $"step {key} of {prompts[runId]} completed before the kill");
            (await _cluster.Db.JournalAsync(runId)).Should().Contain(e => e.SequenceNr > writtenBeforeKill[runId] && e.Manifest == "workflow-resumed.v1",
                "another node resumed it after the kill");
        }
        await _cluster.NoLeasesAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
