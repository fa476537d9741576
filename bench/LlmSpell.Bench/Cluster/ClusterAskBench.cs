using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Actors.Cluster;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Bench.Persistence;
using LlmSpell.Bench.Workflows;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using Npgsql;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// Cross-node ask latency: node "a" runs a durable run (waiting for a signal) and its inbox dispatcher; node "b" asks
/// the run's status through the cluster inbox — insert + NOTIFY, a's take with SKIP LOCKED, its answer + NOTIFY, b's take.
/// Both nodes are in this process but talk only through PostgreSQL (fsync on, as in production).
/// </summary>
public static class ClusterAskBench
{
    private static async Task<double[]> MeasureAsync(int n, int warmup, Func<Task> ask)
    {
        for (var i = 0; i < warmup; i++) await ask();
        var samples = new double[n];
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await ask();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples;
    }

    private static void Emit(string ask, int n, double[] samples) => BenchRunner.Emit(new
    {
        bench = "cluster-ask", ask, n,
        p50_us = Math.Round(WorkflowShapeBench.Percentile(samples, 0.50), 1),
        p99_us = Math.Round(WorkflowShapeBench.Percentile(samples, 0.99), 1),
        target_p50_us = 5000,
    });

    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 500);
        var warmup = args.Int("warmup", 50);
        await using var store = await BenchStore.OpenPostgresAsync(args);
        await using var dataSource = NpgsqlDataSource.Create(store.ConnectionString!);
        var schema = store.Schema!;
        await ClusterSchema.MigrateAsync(dataSource, schema);
        var system = ActorSystem.Create("cluster-ask", "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        try
        {
            var engine = new WorkflowEngine(system, new WorkflowServices { Agents = new WorkflowShapeBench.NoAgents(), Tools = new ToolRegistry() },
                WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions(store.Journal).WithResumeOnStart(false)));
            var run = await engine.StartAsync(new WorkflowDefinition
            {
                Name = "waits",
                Steps = [new StepDefinition { Name = "approval", Kind = StepKind.Wait, Wait = new WaitStepSpec { Signal = "go" } }],
            });
            await using (var nodes = dataSource.CreateCommand(
                $"INSERT INTO {schema}.nodes (name, expires_at) VALUES ('a', now() + interval '1 hour'), ('b', now() + interval '1 hour')"))
                await nodes.ExecuteNonQueryAsync();
            await using (var lease = dataSource.CreateCommand(
                $"INSERT INTO {schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ($1, 'a', 1, now() + interval '1 hour')"))
            {
                lease.Parameters.AddWithValue(run.Id);
                await lease.ExecuteNonQueryAsync();
            }
            await using var nodeA = new InboxDispatcher(dataSource, schema, "a", engine, engine);
            await using var nodeB = new InboxDispatcher(dataSource, schema, "b", engine, engine);
            await nodeA.StartAsync();
            await nodeB.StartAsync();
            await using var client = await ClusterClient.StartAsync(dataSource, schema, store.Journal, name: "b-client");
            var target = client.Run(run.Id);
            var timeout = TimeSpan.FromSeconds(10);
            var status = await MeasureAsync(n, warmup, () => target.Ask<RunStatusReply>(RunMessage.GetStatus.Instance, timeout));
            Emit("status", n, status);
            // The inbox alone: a receiver that answers at once, without reading the run's journal.
            await using var echo = new InboxReceiver(dataSource, schema, "echo", ownsRuns: false,
                (delivery, ct) => delivery.ReplyAsync(ClusterWire.Success("echo", new Acknowledged("echo", "pong")), ct));
            await echo.StartAsync();
            var ping = await MeasureAsync(n, warmup, () => client.AskAsync(InboxTarget.Node("echo"), "ping", [], timeout, "echo did not answer", CancellationToken.None));
            Emit("inbox-echo", n, ping);
            // What the owning node does for a status ask, without the inbox.
            var read = await MeasureAsync(n, warmup, () => engine.GetSummaryAsync(run.Id));
            Emit("local-summary", n, read);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
