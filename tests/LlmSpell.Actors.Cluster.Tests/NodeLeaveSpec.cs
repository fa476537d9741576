using System.Text.Json.Nodes;
using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class NodeLeaveSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Steps = 4;
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(postgres, nameof(NodeLeaveSpec), TimeSpan.FromMilliseconds(700));

    [Fact]
    public async Task A_node_that_leaves_hands_its_runs_to_a_live_node_which_completes_them_without_repeating_a_completed_step()
    {
        var leaving = await _cluster.StartNodeAsync("l1");
        var step2 = _cluster.Hold("-step2");
        // One run from the CLI on another "machine" (it waits for the run's end), one from this process.
        var file = Path.Combine(_cluster.Root, "leave1.json");
        await File.WriteAllTextAsync(file, ClusterRuns.Json("leave1", Steps).ToJsonString());
        await using var cli = NodeProcess.Launch("cli",
            ["run", file, "--postgres", _cluster.ConnectionString, "--schema", _cluster.Db.Schema, "--output", "json"], _cluster.Llm.BaseUrl, Path.Combine(_cluster.Root, "cli"));
        var (second, _) = await _cluster.Client.SubmitAsync(ClusterRuns.Definition("leave2", Steps));
        await ClusterDb.UntilAsync(async () => (await _cluster.Db.LeasesAsync()).Count == 2, "both runs to be on l1");
        var runs = (await _cluster.Db.LeasesAsync()).Keys.ToArray();
        var names = new Dictionary<string, string>();
        foreach (var runId in runs) names[runId] = runId == second ? "leave2" : "leave1";
        await _cluster.StartNodeAsync("l2");
        // Both runs completed their first step on l1 and wait in their second.
        await _cluster.AskedAsync(ClusterRuns.Prompt("leave1", 2));
        await _cluster.AskedAsync(ClusterRuns.Prompt("leave2", 2));

        (await leaving.TerminateAsync()).Should().Be(0, leaving.Stderr);
        var completedBeforeLeave = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var runId in runs)
        {
            completedBeforeLeave[runId] = await _cluster.CompletedStepsAsync(runId);
            completedBeforeLeave[runId].Should().Equal("s1");
        }

        // Handed over, not left to lapse: l2 owns them at the next epoch as soon as l1 is gone.
        var leases = await _cluster.Db.LeasesAsync();
        foreach (var runId in runs.Where(r => leases.ContainsKey(r)))
        {
            leases[runId].Owner.Should().Be("l2");
            leases[runId].Epoch.Should().BeGreaterThan(1);
        }
        (await _cluster.Db.NodeStateAsync("l1")).Should().Be("left");
        leaving.Stderr.Should().Contain("node l1 left the cluster; 2 run(s) handed over");

        step2.SetResult();
        await _cluster.AllEndedAsync(runs);
        foreach (var runId in runs)
        {
            var journal = await _cluster.Db.JournalAsync(runId);
            journal[^1].Manifest.Should().Be("workflow-completed.v1", _cluster.Logs);
            journal.Where(e => e.Manifest == "step-completed.v1").Select(e => e.Key).Should().OnlyHaveUniqueItems().And.HaveCount(Steps);
            foreach (var key in completedBeforeLeave[runId])
                _cluster.Calls(ClusterRuns.Prompt(names[runId], int.Parse(key[1..]))).Should().Be(1, $"step {key} of {names[runId]} completed before l1 left");
        }

        var (code, stdout, stderr) = await cli.ExitAsync();
        code.Should().Be(0, stderr);
        var result = JsonNode.Parse(stdout)!;
        result["run_status"]!.GetValue<string>().Should().Be("completed");
        runs.Should().Contain(result["run_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Node_list_shows_the_nodes_their_state_and_their_runs()
    {
        await _cluster.StartNodeAsync("list1");
        var (runId, _) = await _cluster.Client.SubmitAsync(ClusterRuns.Definition("listed", 2));

        await using var list = NodeProcess.Launch("list",
            ["node", "list", "--postgres", _cluster.ConnectionString, "--schema", _cluster.Db.Schema, "--output", "json"], _cluster.Llm.BaseUrl, Path.Combine(_cluster.Root, "list"));
        var (code, stdout, stderr) = await list.ExitAsync();

        code.Should().Be(0, stderr);
        var node = JsonNode.Parse(stdout)!.AsArray().Single(n => n!["name"]!.GetValue<string>() == "list1")!;
        node["state"]!.GetValue<string>().Should().Be("up");
        var leases = node["leases"]!.AsArray().Select(l => l!["run_id"]!.GetValue<string>()).ToArray();
        // The run may already have ended (and dropped its lease): either it is listed with the node, or it is over.
        if (leases.Length == 0) (await _cluster.Db.JournalAsync(runId)).Should().Contain(e => ClusterDb.IsTerminal(e));
        else leases.Should().Equal(runId);
        node["runs"]!.GetValue<int>().Should().Be(leases.Length);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
