using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Bench.Persistence;
using LlmSpell.TestServers;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// Runs per second of a cluster of <c>--nodes</c> real node processes (default 3) on one journal (<c>--store sqlite|postgres</c>):
/// this process, an app node, starts <c>--runs</c> runs (default 300) of three agent steps at once against a loopback Ollama
/// answering every chat after <c>--answer-ms</c> (default 50) and times the first StartRun to the last RunFinished. Each node
/// calls the model at most 4 at a time (the endpoint's default MaxConcurrency), so the model, not the node, should bound it:
/// 3 nodes target ≥ 2× the runs/s of 1. A warm-up of <c>--warmup</c> runs (default 50 per node) goes first, unmeasured: with 5
/// per node the first batch of 3 nodes still ran on tier-0 JIT code (tiering recompiles a method after 30 calls) and measured
/// 44 runs/s against 52–57 for the next ones;
/// <c>--repeat R</c> measures R batches on the same cluster.
/// </summary>
public static class ClusterThroughputBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var nodes = args.Int("nodes", 3);
        var runs = args.Int("runs", 300);
        var answerMs = args.Int("answer-ms", 50);
        var warmup = args.Int("warmup", 50 * nodes);
        var repeat = args.Int("repeat", 1);
        await using var store = await BenchStore.OpenAsync(args);
        await using var ollama = await OllamaTestServer.StartAsync();
        ollama.RecordRequests = false;
        ollama.DefaultReply = ScriptedReply.Text("ok").WithDelay(TimeSpan.FromMilliseconds(answerMs));
        await using var cluster = await BenchCluster.StartAsync(args, store, ollama.BaseUrl, nodes);

        // The first runs of each node pay for its JIT and its first journal connections.
        var warm = await RunAllAsync(cluster, "warmup", warmup, TimeSpan.FromMinutes(2));
        if (warm.Completed != warmup)
            throw new InvalidOperationException($"only {warm.Completed} of {warmup} warm-up runs completed ({warm.Failed} failed):\n{cluster.Outputs()}");

        // On a shared machine one batch is at the mercy of its neighbours: --repeat R batches on the same cluster, a line each.
        for (var batch = 0; batch < repeat; batch++)
        {
            var tally = await RunAllAsync(cluster, $"run{batch}", runs, TimeSpan.FromMinutes(10));
            var seconds = tally.Elapsed.TotalSeconds;
            BenchRunner.Emit(new
            {
                bench = "cluster-throughput", store = store.Kind, nodes, runs, answer_ms = answerMs,
                seconds = Math.Round(seconds, 2),
                runs_per_s = Math.Round(tally.Completed / seconds, 1),
                completed = tally.Completed,
                failed = tally.Failed,
                unfinished = runs - tally.Completed - tally.Failed,
                runs_per_node = tally.PerNode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray(),
                // The model's bound: each node calls it at most MaxConcurrency (4) at a time.
                model_max_in_flight = ollama.MaxInFlight,
            });
            // Runs still going would crowd the next batch.
            if (tally.Completed + tally.Failed < runs) break;
        }
    }

    /// <summary>Starts <paramref name="count"/> runs at once with one subscriber; their tally once all ended (or <paramref name="limit"/> passed).</summary>
    private static async Task<Tally> RunAllAsync(BenchCluster cluster, string prefix, int count, TimeSpan limit)
    {
        var tally = new Tally(count);
        var subscriber = cluster.App.ActorOf(Props.Create(() => new Subscriber(tally)));
        try
        {
            var definition = BenchCluster.ThreeAgentSteps;
            tally.Started = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
                cluster.Runs.Tell(new StartRun(definition) { RunId = $"{prefix}-{i}", Subscriber = subscriber }, subscriber);
            await Task.WhenAny(tally.Done.Task, Task.Delay(limit));
            lock (tally) return tally.Snapshot();
        }
        finally
        {
            cluster.App.Stop(subscriber);
        }
    }

    private sealed class Tally(int expected)
    {
        public long Started;
        public long Last;
        public int Completed;
        public int Failed;
        public Dictionary<string, int> PerNode { get; private init; } = [];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>First start to the last end (to now while runs are still unfinished).</summary>
        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Started, Completed + Failed == expected ? Last : Stopwatch.GetTimestamp());

        public void Ended(bool completed)
        {
            Last = Stopwatch.GetTimestamp();
            if (completed) Completed++;
            else Failed++;
            if (Completed + Failed == expected) Done.TrySetResult();
        }

        public Tally Snapshot() => new(expected)
        {
            Started = Started, Last = Last, Completed = Completed, Failed = Failed, PerNode = new Dictionary<string, int>(PerNode),
        };
    }

    /// <summary>Receives every run's acceptance (where it runs), events (ignored) and result.</summary>
    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(Tally tally)
        {
            Receive<RunAccepted>(a =>
            {
                lock (tally) tally.PerNode[a.Node ?? "?"] = tally.PerNode.GetValueOrDefault(a.Node ?? "?") + 1;
            });
            Receive<RunRejected>(r =>
            {
                Console.Error.WriteLine($"cluster-throughput: run {r.RunId} refused ({r.Kind}): {r.Reason}");
                lock (tally) tally.Ended(completed: false);
            });
            Receive<RunFinished>(f =>
            {
                if (f.Result.Status != RunStatus.Completed) Console.Error.WriteLine($"cluster-throughput: run {f.RunId} {f.Result.Status}: {f.Result.Error}");
                lock (tally) tally.Ended(f.Result.Status == RunStatus.Completed);
            });
            ReceiveAny(_ => { });
        }
    }
}
