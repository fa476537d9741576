using System.Diagnostics;
using LlmSpell.Actors.Cluster;
using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.TestServers;
using Npgsql;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// <c>cluster [--n 30] [--steps 2] [--pg CONN]</c>: three real <c>llmspell node start</c> processes (heartbeat 1 s, lease
/// expiry 3 s) on one PostgreSQL. Throughput: --n runs of --steps agent steps (loopback Ollama answering at once), spread
/// least-loaded, from the first submission to the last run's end: runs_per_s. Failover: a node is SIGKILLed while its
/// run's step is in flight; failover_ms runs from the kill until another node has resumed the run (target ≤ 2 × lease expiry).
/// </summary>
public static class ClusterBench
{
    private const string Terminal = "'workflow-completed.v1', 'workflow-failed.v1', 'workflow-cancelled.v1', 'workflow-timed-out.v1'";

    public static async Task RunAsync(BenchArgs args)
    {
        var runs = args.Int("n", 30);
        var steps = args.Int("steps", 2);
        var connection = args.String("pg", "");
        ThrowawayPostgres? server = null;
        if (connection.Length == 0)
        {
            server = await ThrowawayPostgres.StartAsync(fast: false);
            connection = server.ConnectionString;
        }
        var schema = $"bench_cluster_{Guid.NewGuid():N}"[..24];
        var root = Path.Combine(Path.GetTempPath(), "llmspell-bench-" + schema);
        await using var llm = await OllamaTestServer.StartAsync();
        llm.RecordRequests = false;
        var nodes = new List<NodeProcess>();
        var (client, store, system) = await ClusterRuns.ClientAsync(connection, schema);
        try
        {
            nodes.AddRange(await Task.WhenAll(new[] { "b1", "b2", "b3" }.Select(n =>
                NodeProcess.StartNodeAsync(n, connection, schema, llm.BaseUrl, Path.Combine(root, n)))));
            var definition = ClusterRuns.Definition("bench", steps);

            // Warm-up (JIT in every node), not reported.
            await SubmitAndWaitAsync(client, store.DataSource, schema, definition, 6);
            var elapsed = await SubmitAndWaitAsync(client, store.DataSource, schema, definition, runs);
            BenchRunner.Emit(new { bench = "cluster", mode = "throughput", nodes = 3, runs, steps, wall_ms = Math.Round(elapsed.TotalMilliseconds, 1), runs_per_s = Math.Round(runs / elapsed.TotalSeconds, 1) });

            // Failover: every node has a run whose step hangs in the LLM server; one node dies.
            llm.DefaultReply = ScriptedReply.Text("ok").WithDelay(TimeSpan.FromSeconds(20));
            var victimRun = "";
            var victim = "";
            for (var i = 0; i < 3; i++)
            {
                var (runId, node) = await client.SubmitAsync(ClusterRuns.Definition($"failover{i}", 1));
                if (i == 0) (victimRun, victim) = (runId, node);
            }
            await UntilAsync(async () => await CountAsync(store.DataSource, $"SELECT count(*) FROM {schema}.journal WHERE persistence_id = $1 AND manifest = 'step-started.v1'", "run-" + victimRun) > 0);
            var clock = Stopwatch.StartNew();
            await nodes.Single(n => n.Name == victim).KillAsync();
            await UntilAsync(async () => await CountAsync(store.DataSource, $"SELECT count(*) FROM {schema}.journal WHERE persistence_id = $1 AND manifest = 'workflow-resumed.v1'", "run-" + victimRun) >= 2);
            BenchRunner.Emit(new { bench = "cluster", mode = "failover", heartbeat_ms = NodeProcess.Heartbeat.TotalMilliseconds, lease_expiry_ms = NodeProcess.LeaseExpiry.TotalMilliseconds, failover_ms = Math.Round(clock.Elapsed.TotalMilliseconds, 1), target_ms = 2 * NodeProcess.LeaseExpiry.TotalMilliseconds });
        }
        catch
        {
            foreach (var node in nodes) await Console.Error.WriteLineAsync($"--- node {node.Name} ---\n{node.Stderr}");
            throw;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            await system.Terminate();
            await using (var drop = store.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE")) await drop.ExecuteNonQueryAsync();
            await store.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            if (server is not null) await server.DisposeAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Left to the system's temp cleanup.
            }
        }
    }

    private static async Task<TimeSpan> SubmitAndWaitAsync(ClusterSubmitter client, NpgsqlDataSource db, string schema, LlmSpell.Workflows.Definitions.WorkflowDefinition definition, int runs)
    {
        var ended = await CountAsync(db, $"SELECT count(*) FROM {schema}.journal WHERE manifest IN ({Terminal})");
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) await client.SubmitAsync(definition);
        await UntilAsync(async () => await CountAsync(db, $"SELECT count(*) FROM {schema}.journal WHERE manifest IN ({Terminal})") >= ended + runs);
        return clock.Elapsed;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, string? parameter = null)
    {
        await using var command = db.CreateCommand(sql);
        if (parameter is not null) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the cluster benchmark waited 60 s for its runs");
            await Task.Delay(10);
        }
    }
}
