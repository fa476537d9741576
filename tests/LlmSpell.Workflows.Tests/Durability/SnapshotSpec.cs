using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class SnapshotSpec : DurableSpec
{
    [Fact]
    public async Task A_long_loop_recovers_from_its_snapshot_not_from_its_first_event()
    {
        var loop = new WorkflowDefinition
        {
            Name = "long",
            Type = WorkflowType.Loop,
            Loop = new LoopSpec { Iterator = new RangeIterator(0, 200, 1), MaxIterations = 200, Aggregation = LoopAggregation.Last },
            Steps = [Tool("t", parameters: """{"i":"{{loop.index}}"}""")],
        };
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = new ScriptedTools().Add("t", async (p, ct) =>
        {
            // Iteration 150 hangs until the system stops: the run is interrupted there.
            if (p["i"]!.ToString() == "150")
            {
                hang.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
            return p["i"]!.DeepClone();
        });
        var durable = new DurableRunOptions { LiveRunsDirectory = LiveRunsDirectory, ResumeOnStart = false, SnapshotEvery = 100 };
        var system = NewSystem();
        var engine = new WorkflowEngine(system, new WorkflowServices { Tools = before, Agents = new ScriptedAgents() },
            WorkflowEngineOptions.Default.WithDurability(durable).WithRunIdGenerator(() => "snap"));
        await engine.StartAsync(loop);
        await hang.Task.WaitAsync(RunLimit);
        // Snapshots are saved asynchronously, behind the events: wait until the latest one has landed before the stop.
        var saved = DateTime.UtcNow + RunLimit;
        while (await LatestSnapshotAsync() < 500 && DateTime.UtcNow < saved) await Task.Delay(20);
        await system.Terminate();

        // Recovery must not need the events the snapshot covers: delete them (all but the start) and resume.
        var snapshotAt = await LatestSnapshotAsync();
        await using (var connection = new SqliteConnection(Store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM journal WHERE persistence_id = 'run-snap' AND sequence_number > 1 AND sequence_number <= {snapshotAt}";
            (await delete.ExecuteNonQueryAsync()).Should().BeGreaterThan(400, "the snapshot covers most of the run's events");
        }

        var after = new ScriptedTools().Counts("t");
        var engine2 = new WorkflowEngine(NewSystem(), new WorkflowServices { Tools = after, Agents = new ScriptedAgents() },
            WorkflowEngineOptions.Default.WithDurability(durable));
        var result = await Finished(await engine2.ResumeAsync("snap"));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        after.Calls("t").Should().Be(50, "iterations 0–149 completed before the interruption; 150–199 run now");
    }

    /// <summary>The sequence number the run's latest saved snapshot covers (0 when none is saved yet).</summary>
    private async Task<long> LatestSnapshotAsync()
    {
        await using var connection = new SqliteConnection(Store.ConnectionString);
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT coalesce(max(sequence_number), 0) FROM snapshot WHERE persistence_id = 'run-snap'";
        return (long)(await read.ExecuteScalarAsync())!;
    }
}
