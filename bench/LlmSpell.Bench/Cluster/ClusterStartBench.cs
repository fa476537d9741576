using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Bench.Persistence;
using LlmSpell.Bench.Workflows;
using LlmSpell.Cluster;
using LlmSpell.Tools;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// StartRun → RunAccepted between two nodes (two actor systems in this process, remoting over loopback): a runs node with the
/// sharded engine on the bench's journal, and an app node sending through a shard-region proxy. Each start creates the run's
/// entity, reads its (empty) journal, journals the run's start and answers (target p50 ≤ 2 ms).
/// </summary>
public static class ClusterStartBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 200);
        await using var store = await BenchStore.OpenAsync(args);
        var nodeOptions = new ClusterNodeOptions().WithPort(0);
        var node = store.Options.CreateSystem(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(
            "akka.loglevel = WARNING\n" + nodeOptions.ToHocon()));
        var engine = new WorkflowEngine(node,
            new WorkflowServices { Agents = new WorkflowShapeBench.NoAgents(), Tools = new ToolRegistry([new WorkflowShapeBench.NoOpTool()]) },
            WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions().WithResumeOnStart(false)).WithPlacement(new ShardedRuns()));
        ClusterNode.Join(node, nodeOptions);
        var appOptions = new ClusterNodeOptions().WithPort(0).WithRoles(["app"]).WithSeeds([Akka.Cluster.Cluster.Get(node).SelfAddress.ToString()]);
        var app = ActorSystem.Create(ClusterNodeOptions.SystemName, ConfigurationFactory.ParseString(
            "akka.loglevel = WARNING\n" + appOptions.ToHocon()));
        try
        {
            ClusterNode.Join(app, appOptions);
            while (Akka.Cluster.Cluster.Get(app).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < 2) await Task.Delay(50);
            var runs = ShardedRuns.StartProxy(app);
            var definition = BenchRuns.Sequential("start", 1);
            var samples = new double[n];
            for (var i = -20; i < n; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await runs.Ask<IRunMessage>(new StartRun(definition) { RunId = $"bench-{i + 20}" }, TimeSpan.FromSeconds(30));
                if (reply is not RunAccepted) throw new InvalidOperationException($"the start was refused: {reply}");
                if (i >= 0) samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(samples);
            BenchRunner.Emit(new
            {
                bench = "cluster-start", store = store.Kind, n,
                p50_ms = Math.Round(WorkflowShapeBench.Percentile(samples, 0.5), 2),
                p90_ms = Math.Round(WorkflowShapeBench.Percentile(samples, 0.9), 2),
            });
        }
        finally
        {
            await app.Terminate();
            await node.Terminate();
        }
    }
}
