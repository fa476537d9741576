using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    [Fact]
    public async Task A_host_on_the_postgres_journal_keeps_an_in_flight_run_that_the_next_host_resumes()
    {
        var name = "fetch-" + Guid.NewGuid().ToString("N");
        var block = "block-" + Guid.NewGuid().ToString("N");
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = BuildHost(b => b
            .WithPostgresJournal(postgres.ConnectionString)
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
            .WithPostgresJournal(postgres.ConnectionString)
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
}
