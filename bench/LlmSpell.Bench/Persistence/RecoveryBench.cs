using System.Diagnostics;
using LlmSpell.Actors.Persistence;

namespace LlmSpell.Bench.Persistence;

/// <summary>Recovery throughput: <c>--n</c> events of one persistence id replayed from the journal and deserialized.</summary>
public static class RecoveryBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var events = args.Int("n", 100_000);
        var runs = args.Int("runs", 3);
        await using var store = await BenchStore.OpenAsync(args);
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

        await RecoverAsync(store, pid, events); // warm-up: not reported
        for (var r = 1; r <= runs; r++)
        {
            var elapsed = await RecoverAsync(store, pid, events);
            BenchRunner.Emit(new
            {
                bench = "recovery", store = store.Kind, run = r, events,
                elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
                events_per_s = Math.Round(events / elapsed.TotalSeconds),
            });
        }
    }

    private static async Task<TimeSpan> RecoverAsync(BenchStore store, string pid, long expected)
    {
        var serializer = BenchStore.Serializer();
        var sw = Stopwatch.StartNew();
        var sum = 0L;
        await foreach (var repr in store.Journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue))
            sum += ((BenchEvent)serializer.Deserialize(repr.Manifest, repr.Payload)).Value;
        sw.Stop();
        if (sum != expected * (expected + 1) / 2) throw new InvalidOperationException($"recovered sum {sum}, expected {expected * (expected + 1) / 2}");
        return sw.Elapsed;
    }
}
