using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Bench.Persistence;
using LlmSpell.Bench.Workflows;
using LlmSpell.TestServers;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Bench.Cluster;

/// <summary>
/// Failover of a run whose node dies mid-step, on three real node processes (<c>--store sqlite|postgres</c>): in each of <c>--n</c>
/// rounds (default 5) a run of three agent steps starts; the loopback Ollama holds the answer to its second step's request; the
/// node holding the run (RunAccepted.Node) is SIGKILLed; the time measured is from the kill until the second step's request
/// arrives again, sent by the survivor that took the run over (its next step starting there; target p50 ≤ 10 s). Then the run
/// ends and a replacement node joins, so that every round starts from three.
/// </summary>
public static class ClusterFailoverBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var rounds = args.Int("n", 5);
        await using var store = await BenchStore.OpenAsync(args);
        await using var ollama = await OllamaTestServer.StartAsync();
        ollama.DefaultReply = ScriptedReply.Text("ok");
        await using var cluster = await BenchCluster.StartAsync(args, store, ollama.BaseUrl, 3);

        var samples = new double[rounds];
        // Where the time goes, as the app node saw it: the holder unreachable (failure detector), then removed (SBR's downing).
        var unreachable = new double[rounds];
        var removed = new double[rounds];
        var oldestKilled = 0;
        for (var round = 0; round < rounds; round++)
        {
            var runId = $"failover-{round}";
            // The second step's first request waits for an answer that never comes: the run is mid-step when its node dies.
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ollama.OnPrompt("bravo task", ScriptedReply.Text("two").WithGate(held.Task), times: 1);
            try
            {
                var seen = ollama.Requests.Count;
                var reply = await cluster.Runs.Ask<IRunMessage>(new StartRun(BenchCluster.ThreeAgentSteps) { RunId = runId }, BenchCluster.Limit);
                var holder = (reply as RunAccepted)?.Node ?? throw new InvalidOperationException($"run {runId} was not accepted: {reply}");
                seen = await SecondStepAsync(ollama, seen, cluster);

                var oldest = holder == cluster.Oldest();
                if (oldest) oldestKilled++;
                var killed = Stopwatch.GetTimestamp();
                cluster.Kill(holder);
                var watch = WatchAsync(cluster, holder, killed);
                await SecondStepAsync(ollama, seen, cluster);
                samples[round] = Stopwatch.GetElapsedTime(killed).TotalSeconds;
                await watch.WaitAsync(BenchCluster.Limit);
                (unreachable[round], removed[round]) = watch.Result;
                Console.Error.WriteLine($"cluster-failover: round {round + 1}: request again after {samples[round]:0.00} s; holder unreachable after "
                    + $"{unreachable[round]:0.00} s, removed after {removed[round]:0.00} s (killed {holder}{(oldest ? ", the oldest: the shard coordinator moved too" : "")})");
            }
            finally
            {
                held.TrySetResult();
            }
            await EndedAsync(cluster, runId);
            // A replacement joins a survivor, once the killed node is downed and removed.
            await cluster.AddNodeAsync(cluster.Nodes[0].Address);
            await cluster.AwaitMembersAsync();
        }
        Array.Sort(samples);
        Array.Sort(unreachable);
        Array.Sort(removed);
        BenchRunner.Emit(new
        {
            bench = "cluster-failover", store = store.Kind, nodes = 3, n = rounds,
            p50_s = Math.Round(WorkflowShapeBench.Percentile(samples, 0.5), 2),
            p90_s = Math.Round(WorkflowShapeBench.Percentile(samples, 0.9), 2),
            max_s = Math.Round(samples[^1], 2),
            unreachable_p50_s = Math.Round(WorkflowShapeBench.Percentile(unreachable, 0.5), 2),
            removed_p50_s = Math.Round(WorkflowShapeBench.Percentile(removed, 0.5), 2),
            oldest_killed = oldestKilled,
        });
    }

    /// <summary>
    /// Waits for the next request of the second step after the first <paramref name="seen"/> requests; returns the count up to it.
    /// Arrivals are awaited, not polled: the server completes the wait as it records the request.
    /// </summary>
    private static async Task<int> SecondStepAsync(OllamaTestServer ollama, int seen, BenchCluster cluster)
    {
        using var limit = new CancellationTokenSource(BenchCluster.Limit);
        for (var count = seen + 1; ; count++)
        {
            try
            {
                await ollama.WaitForRequestsAsync(count).WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no request of the second step within {BenchCluster.Limit.TotalSeconds:0} s:\n{cluster.Outputs()}");
            }
            if (ollama.Requests[count - 1].Prompt?.Contains("bravo task", StringComparison.Ordinal) == true) return count;
        }
    }

    /// <summary>Seconds from the kill until the app node sees <paramref name="holder"/> unreachable, and until it is no member any more.</summary>
    private static async Task<(double Unreachable, double Removed)> WatchAsync(BenchCluster cluster, string holder, long killed)
    {
        var members = Akka.Cluster.Cluster.Get(cluster.App);
        double? unreachable = null;
        while (Stopwatch.GetElapsedTime(killed) < BenchCluster.Limit)
        {
            var state = members.State;
            var now = Stopwatch.GetElapsedTime(killed).TotalSeconds;
            if (unreachable is null && state.Unreachable.Any(m => m.Address.ToString() == holder)) unreachable = now;
            if (state.Members.All(m => m.Address.ToString() != holder)) return (unreachable ?? now, now);
            await Task.Delay(20);
        }
        throw new TimeoutException($"{holder} was still a member {BenchCluster.Limit.TotalSeconds:0} s after it was killed");
    }

    /// <summary>Until the run's entity is gone (the run ended on the survivor), so that the next round starts from a quiet cluster.</summary>
    private static async Task EndedAsync(BenchCluster cluster, string runId)
    {
        using var limit = new CancellationTokenSource(BenchCluster.Limit);
        while (true)
        {
            try
            {
                if (await cluster.Runs.Ask<IRunMessage>(new GetRunStatus(runId), TimeSpan.FromSeconds(3), limit.Token) is RunRejected { Kind: RejectionKind.NotFound })
                    return;
            }
            catch (AskTimeoutException)
            {
                // The run's shard is still moving.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"run {runId} did not end within {BenchCluster.Limit.TotalSeconds:0} s:\n{cluster.Outputs()}");
            }
            await Task.Delay(100, limit.Token);
        }
    }
}
