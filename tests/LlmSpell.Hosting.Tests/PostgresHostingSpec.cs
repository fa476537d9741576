using LlmSpell.Tests.Postgres;
using Microsoft.Extensions.Configuration;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LlmSpell.Hosting.Tests;

/// <summary>A real PostgreSQL server for the hosting specs: <c>LLMSPELL_TEST_PG</c>, else a throwaway one (never skipped).</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private ThrowawayPostgres? _server;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("LLMSPELL_TEST_PG");
        if (!string.IsNullOrWhiteSpace(given))
        {
            ConnectionString = given;
            return;
        }
        _server = await ThrowawayPostgres.StartAsync(fast: true);
        ConnectionString = _server.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

public sealed class PostgresHostingSpec(PostgresServerFixture postgres) : HostSpec, IClassFixture<PostgresServerFixture>
{
    // A schema of its own per test: the journal's tables are created in it, apart from every other test's.
    private readonly string _schema = "hosting_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_host_on_the_postgres_journal_keeps_an_in_flight_run_that_the_next_host_resumes()
    {
        var name = "fetch-" + Guid.NewGuid().ToString("N");
        var block = "block-" + Guid.NewGuid().ToString("N");
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = BuildHost(b => b
            .WithPostgresJournal(postgres.ConnectionString, _schema)
            .WithTool(CountingTool(name))
            .WithTool(CountingTool(block, async (_, ct) =>
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            })));
        await first.StartAsync();
        var run = await first.Services.GetRequiredService<IWorkflowEngine>().StartAsync(Sequential("on-postgres", Tool(name), Tool(block)));
        await blocked.Task.WaitAsync(Limit);
        await first.StopAsync();
        first.Dispose();

        var second = BuildHost(b => b
            .WithPostgresJournal(postgres.ConnectionString, _schema)
            .WithTool(CountingTool(name))
            .WithTool(CountingTool(block)));
        await second.StartAsync();
        var recovered = await second.Services.GetRequiredService<WorkflowEngine>().Recovery.WaitAsync(Limit);
        var resumed = recovered.Should().ContainSingle(r => r.Id == run.Id).Subject;
        var result = await resumed.Completion.WaitAsync(Limit);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        Counters[name].Should().Be(1, "the completed first step does not run again");
        Counters[block].Should().Be(2, "the interrupted step runs again");
        (await second.Services.GetRequiredService<IWorkflowOperations>().ListRunsAsync())
            .Should().Contain(r => r.RunId == run.Id && r.State == RunState.Completed);
        await second.StopAsync();
        second.Dispose();
    }

    [Fact]
    public async Task The_postgres_journal_is_configured_by_connection_string_and_schema_and_holds_the_runs_in_that_schema()
    {
        var name = "in-schema-" + Guid.NewGuid().ToString("N");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            KeyValuePair.Create("LlmSpell:DataDirectory", (string?)DataDir),
            KeyValuePair.Create("LlmSpell:Journal", (string?)"Postgres"),
            KeyValuePair.Create("LlmSpell:PostgresConnectionString", (string?)postgres.ConnectionString),
            KeyValuePair.Create("LlmSpell:PostgresSchema", (string?)_schema)]);
        builder.Services.AddLlmSpell(b => b.WithTool(CountingTool(name)));
        using var host = builder.Build();
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().RunAsync(Sequential("in-schema", Tool(name))).WaitAsync(Limit);
        result.Status.Should().Be(RunStatus.Completed, result.Error);
        (await host.Services.GetRequiredService<IWorkflowOperations>().GetSummaryAsync(result.RunId)).State.Should().Be(RunState.Completed);
        await host.StopAsync();

        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var count = source.CreateCommand($"SELECT count(*) FROM \"{_schema}\".journal WHERE persistence_id = @id");
        count.Parameters.AddWithValue("id", "run-" + result.RunId);
        Convert.ToInt64(await count.ExecuteScalarAsync()).Should().BeGreaterThan(0, "the run's events are in the schema's journal table");
    }
}
