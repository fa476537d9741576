using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Cluster.Tests;

/// <summary>The CLI against a cluster with no node: what it says, and what to do.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterCliSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(postgres, nameof(ClusterCliSpec), TimeSpan.Zero);

    [Fact]
    public async Task Without_a_live_node_run_fails_saying_to_start_one_and_node_list_says_there_are_none()
    {
        var file = Path.Combine(_cluster.Root, "lonely.json");
        await File.WriteAllTextAsync(file, ClusterRuns.Json("lonely", 1).ToJsonString());

        var run = await _cluster.CliAsync("run", file);
        var list = await _cluster.CliAsync("node", "list");

        run.ExitCode.Should().Be(1, run.Stderr);
        run.Stderr.Trim().Should().Be(
            $"error: No live node in the cluster (schema {_cluster.Db.Schema}): start one with 'llmspell node start --postgres CONN', or check 'llmspell node list'");
        list.ExitCode.Should().Be(0, list.Stderr);
        list.Stdout.Trim().Should().Be("No nodes. Start one with: llmspell node start --postgres CONN");
        (await _cluster.Db.LeasesAsync()).Should().BeEmpty();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
