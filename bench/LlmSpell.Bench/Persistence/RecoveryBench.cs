using System.Diagnostics;
using LlmSpell.Actors;
using LlmSpell.Actors.Persistence;

namespace LlmSpell.Bench.Persistence;

/// <summary>Recovery throughput: <c>--n</c> events of one persistence id replayed (read, deserialized, applied) into a fresh actor.</summary>
public static class RecoveryBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var events = args.Int("n", 100_000);
        var runs = args.Int("runs", 3);
        await using var store = await BenchStore.OpenAsync(args);
        await using var system = store.NewSystem("recoverybench");
        var serializer = BenchStore.Serializer();

        var pid = $"bench-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        for (var from = 1L; from <= events; from += 1000)
        {
            var chunk = new List<PersistentRepr>();
            for (var seq = from; seq < from + 1000 && seq <= events; seq++)
            {
                var value = serializer.Serialize(new BenchEvent(seq, BenchEvent.DefaultNote));
                chunk.Add(new PersistentRepr(pid, seq, value.Manifest, value.Payload, now));
            }
            await store.Journal.WriteAsync(chunk);
        }

        await RecoverAsync(system, pid, events); // warm-up: not reported
        for (var r = 1; r <= runs; r++)
        {
            var elapsed = await RecoverAsync(system, pid, events);
            BenchRunner.Emit(new
            {
                bench = "recovery", store = store.Kind, run = r, events,
                elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
                events_per_s = Math.Round(events / elapsed.TotalSeconds),
            });
        }
    }

    private static async Task<TimeSpan> RecoverAsync(ActorSystem system, string pid, long expected)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sw = Stopwatch.StartNew();
        var actor = system.ActorOf(Props.Create(() => new Replayer(pid, done)));
        var sum = await done.Task;
        sw.Stop();
        system.Stop(actor);
        if (sum != expected * (expected + 1) / 2) throw new InvalidOperationException($"recovered sum {sum}, expected {expected * (expected + 1) / 2}");
        return sw.Elapsed;
    }

    private sealed class Replayer : ReceivePersistentActor
    {
        private long _sum;

        public Replayer(string persistenceId, TaskCompletionSource<long> done)
        {
            PersistenceId = persistenceId;
            Recover<BenchEvent>(e => _sum += e.Value);
            Recover<RecoveryCompleted>(_ => done.TrySetResult(_sum));
        }

        public override string PersistenceId { get; }
    }
}
