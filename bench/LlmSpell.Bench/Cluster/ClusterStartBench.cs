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
/// entity (recorded by remember-entities), reads its (empty) journal, journals the run's start and answers (target p50 ≤ 2 ms).
/// The runs wait for a signal, so that no earlier run's steps share the journal with a start; a warm-up of 500 starts first
/// lets every shard be allocated, as in a cluster that has been up a while. Where the time goes, each its own p50: a remote
/// ask's round trip (<c>remote_ask_p50_ms</c>), a status ask to a live run through the proxy (<c>live_run_p50_ms</c>), and a
/// bare persistent actor of a new id on the runs node recovering and journaling one event (<c>new_persistent_actor_p50_ms</c>:
/// the journal's floor under any durable start).
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
            const int warmup = 500;
            var starts = await TimeAsync(warmup, n, async i =>
            {
                var reply = await runs.Ask<IRunMessage>(new StartRun(BenchRuns.Waiting) { RunId = $"bench-{i}" }, TimeSpan.FromSeconds(30));
                if (reply is not RunAccepted) throw new InvalidOperationException($"the start was refused: {reply}");
            });
            var liveRun = await TimeAsync(n, n, async i =>
            {
                var runId = $"bench-{i % (warmup + n)}";
                if (await runs.Ask<IRunMessage>(new GetRunStatus(runId), TimeSpan.FromSeconds(30)) is not RunStatusReport)
                    throw new InvalidOperationException($"run {runId} did not report its status");
            });
            node.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = await app.ActorSelection(Akka.Cluster.Cluster.Get(node).SelfAddress + "/user/echo").ResolveOne(TimeSpan.FromSeconds(10));
            var remoteAsk = await TimeAsync(n, n, _ => echo.Ask<GetRunStatus>(new GetRunStatus("echo"), TimeSpan.FromSeconds(30)));
            var newPersistentActor = await TimeAsync(n, n, i =>
            {
                var persisted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                node.ActorOf(Props.Create(() => new OneEvent($"bench-floor-{i}", persisted)));
                return persisted.Task;
            });
            BenchRunner.Emit(new
            {
                bench = "cluster-start", store = store.Kind, n,
                p50_ms = Ms(starts, 0.5),
                p90_ms = Ms(starts, 0.9),
                remote_ask_p50_ms = Ms(remoteAsk, 0.5),
                live_run_p50_ms = Ms(liveRun, 0.5),
                new_persistent_actor_p50_ms = Ms(newPersistentActor, 0.5),
            });
        }
        finally
        {
            await app.Terminate();
            await node.Terminate();
        }
    }

    /// <summary>
    /// The times in ms, sorted, of <paramref name="n"/> calls of <paramref name="call"/> after <paramref name="warmup"/>
    /// unmeasured ones; the calls are numbered 0, 1, … across both.
    /// </summary>
    private static async Task<double[]> TimeAsync(int warmup, int n, Func<int, Task> call)
    {
        var samples = new double[n];
        for (var i = -warmup; i < n; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call(i + warmup);
            if (i >= 0) samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        return samples;
    }

    private static double Ms(double[] sorted, double percentile) => Math.Round(WorkflowShapeBench.Percentile(sorted, percentile), 2);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    /// <summary>A persistent actor of a new id: recovers (nothing), journals one event, says so and stops.</summary>
    private sealed class OneEvent(string persistenceId, TaskCompletionSource persisted) : Akka.Persistence.UntypedPersistentActor
    {
        public override string PersistenceId => persistenceId;

        protected override void OnRecover(object message)
        {
            if (message is Akka.Persistence.RecoveryCompleted)
                Persist(new GetRunStatus(persistenceId), _ =>
                {
                    persisted.SetResult();
                    Context.Stop(Self);
                });
        }

        protected override void OnCommand(object message)
        {
        }
    }
}
