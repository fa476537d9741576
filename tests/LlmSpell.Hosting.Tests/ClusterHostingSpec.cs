using LlmSpell.Actors.Cluster;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LlmSpell.Hosting.Tests;

public sealed class ClusterHostingSpec(PostgresServerFixture postgres) : HostSpec, IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private readonly string _schema = "hosting_cluster_" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => Task.CompletedTask;

    private sealed class RecordingService : IClusterNodeService
    {
        public TaskCompletionSource<ClusterNode> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task StartAsync(ClusterNode node, CancellationToken cancellationToken)
        {
            Started.TrySetResult(node);
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => Stopped.TrySetResult(), TaskScheduler.Default);
        }
    }

    private IHost NodeHost(string name, Action<LlmSpellBuilder> tools, IClusterNodeService? service = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // From configuration, as an app would: the cluster section plus the PostgreSQL journal.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlmSpell:DataDirectory"] = Path.Combine(DataDir, name),
            ["LlmSpell:Journal"] = "Postgres",
            ["LlmSpell:PostgresConnectionString"] = postgres.ConnectionString,
            ["LlmSpell:Cluster:Enabled"] = "true",
            ["LlmSpell:Cluster:NodeName"] = name,
            ["LlmSpell:Cluster:Schema"] = _schema,
            ["LlmSpell:Cluster:HeartbeatInterval"] = "00:00:00.5",
            ["LlmSpell:Cluster:LeaseExpiry"] = "00:00:02",
        });
        builder.Services.AddLlmSpell(tools);
        if (service is not null) builder.Services.AddSingleton(service);
        return builder.Build();
    }

    [Fact]
    public async Task A_host_stopping_as_a_cluster_node_hands_its_run_to_the_other_node_which_finishes_it()
    {
        var first = "cl-first-" + Guid.NewGuid().ToString("N");
        var block = "cl-block-" + Guid.NewGuid().ToString("N");
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new RecordingService();
        using var h1 = NodeHost("h1", b => b.WithTool(CountingTool(first)).WithTool(CountingTool(block, async (_, ct) =>
        {
            blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        })), service);
        using var h2 = NodeHost("h2", b => b.WithTool(CountingTool(first)).WithTool(CountingTool(block)));
        await h1.StartAsync();
        await h2.StartAsync();
        (await service.Started.Task.WaitAsync(Limit)).Name.Should().Be("h1");

        var run = await h1.Services.GetRequiredService<IWorkflowEngine>().StartAsync(Sequential("handed-over", Tool(first), Tool(block)));
        await blocked.Task.WaitAsync(Limit);
        h1.Services.GetRequiredService<ClusterNode>().LocalRuns.Should().Equal(run.Id);

        await h1.StopAsync();
        await service.Stopped.Task.WaitAsync(Limit);

        var operations = h2.Services.GetRequiredService<IWorkflowOperations>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await operations.ListRunsAsync()).SingleOrDefault(r => r.RunId == run.Id)?.State != RunState.Completed)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "h2 finishes the run h1 handed over");
            await Task.Delay(50);
        }
        Counters[first].Should().Be(1, "the step h1 completed is not run again on h2");
        Counters[block].Should().Be(2, "the step in flight when h1 left runs again on h2");
        var nodes = await h2.Services.GetRequiredService<ClusterNode>().ListNodesAsync();
        nodes.Single(n => n.Name == "h1").State.Should().Be("left");
        await h2.StopAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
