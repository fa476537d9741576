using System.Security.Cryptography;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting.Tests;

/// <summary>The host's journal: Akka.Persistence.Sql on a SQLite file under the data directory, and what it refuses.</summary>
public sealed class JournalHostingSpec : HostSpec
{
    [Fact]
    public async Task A_host_on_sqlite_journals_its_runs_to_llmspell_db_in_the_data_directory()
    {
        var name = "journaled-" + Guid.NewGuid().ToString("N");
        string runId;
        using (var host = BuildHost(b => b.WithTool(CountingTool(name))))
        {
            await host.StartAsync();
            var result = await host.Services.GetRequiredService<IWorkflowEngine>().RunAsync(Sequential("journaled", Tool(name))).WaitAsync(Limit);
            result.Status.Should().Be(RunStatus.Completed, result.Error);
            runId = result.RunId;
            host.Services.GetRequiredService<WorkflowEngine>().Store.Should().Be(Path.Combine(DataDir, "llmspell.db"));
            await host.StopAsync();
        }

        var file = Path.Combine(DataDir, "llmspell.db");
        File.Exists(file).Should().BeTrue();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = $id";
        count.Parameters.AddWithValue("$id", "run-" + runId);
        ((long)(await count.ExecuteScalarAsync())!).Should().BeGreaterThan(0, "the run's events are in the file's Akka.Persistence.Sql journal");
    }

    [Fact]
    public async Task A_restarted_host_lists_the_runs_of_the_one_before_from_the_same_file()
    {
        var name = "listed-" + Guid.NewGuid().ToString("N");
        string runId;
        using (var first = BuildHost(b => b.WithTool(CountingTool(name))))
        {
            await first.StartAsync();
            runId = (await first.Services.GetRequiredService<IWorkflowEngine>().RunAsync(Sequential("listed", Tool(name))).WaitAsync(Limit)).RunId;
            await first.StopAsync();
        }

        using var second = BuildHost(b => b.WithTool(CountingTool(name)));
        await second.StartAsync();
        var summary = await second.Services.GetRequiredService<IWorkflowOperations>().GetSummaryAsync(runId);
        summary.State.Should().Be(RunState.Completed);
        summary.WorkflowName.Should().Be("listed");
        await second.StopAsync();
    }

    [Fact]
    public async Task Without_resume_on_start_a_restarted_host_leaves_an_unfinished_run_unfinished()
    {
        var block = "block-" + Guid.NewGuid().ToString("N");
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string runId;
        using (var first = BuildHost(b => b.WithTool(CountingTool(block, async (_, ct) =>
        {
            blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }))))
        {
            await first.StartAsync();
            runId = (await first.Services.GetRequiredService<IWorkflowEngine>().StartAsync(Sequential("held", Tool(block)))).Id;
            await blocked.Task.WaitAsync(Limit);
            await first.StopAsync();
        }

        using var second = BuildHost(b => b.Configure(o => o.WithResumeOnStart(false)).WithTool(CountingTool(block)));
        await second.StartAsync();
        (await second.Services.GetRequiredService<WorkflowEngine>().Recovery.WaitAsync(Limit)).Should().BeEmpty();
        (await second.Services.GetRequiredService<IWorkflowOperations>().GetSummaryAsync(runId)).State.Should().Be(RunState.Unfinished);
        await second.StopAsync();
    }

    [Fact]
    public async Task A_data_directory_with_a_journal_of_the_earlier_format_fails_the_start_naming_the_file_and_leaves_it_unchanged()
    {
        Directory.CreateDirectory(DataDir);
        var file = Path.Combine(DataDir, "llmspell.db");
        await using (var old = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3);";
            await create.ExecuteNonQueryAsync();
        }
        var before = SHA256.HashData(await File.ReadAllBytesAsync(file));
        using var host = BuildHost(_ => { });

        var start = () => host.StartAsync();

        var error = (await start.Should().ThrowAsync<EarlierJournalFormatException>()).Which;
        error.Message.Should().Contain(file).And.Contain("move it aside");
        SHA256.HashData(await File.ReadAllBytesAsync(file)).Should().Equal(before, "nothing is written to a journal this version refuses");
        File.Exists(file + "-wal").Should().BeFalse();
    }
}
