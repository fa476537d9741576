using System.Diagnostics;
using LlmSpell.Actors.Persistence;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Write throughput of the journal, each write durable before the writer goes on:
/// <c>single</c> — one writer, one event per write (every event waits for its own commit);
/// <c>batch</c> — one writer, <c>--batch</c> events per write;
/// <c>concurrent</c> — <c>--actors</c> writers of one event per write at once (group commit).
/// <c>--modes</c> picks some of them (default all three).
/// </summary>
public static class JournalBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var single = args.Int("single", 2_000);
        var events = args.Int("n", 100_000);
        var batch = args.Int("batch", 100);
        var actors = args.Int("actors", 100);
        var runs = args.Int("runs", 3);
        var modes = args.String("modes", "single,batch,concurrent").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await using var store = await BenchStore.OpenAsync(args);

        await RunAsync(store, 1, 200, 1); // warm-up: JIT, connections, statement caches; not reported
        for (var r = 1; r <= runs; r++)
        {
            if (modes.Contains("single")) Emit(store, "single", r, single, 1, 1, await RunAsync(store, 1, single, 1));
            if (modes.Contains("batch")) Emit(store, "batch", r, events, 1, batch, await RunAsync(store, 1, events / batch, batch));
            if (modes.Contains("concurrent")) Emit(store, "concurrent", r, events, actors, 1, await RunAsync(store, actors, events / actors, 1));
        }
    }

    private static void Emit(BenchStore store, string mode, int run, int events, int actors, int batch, TimeSpan elapsed) =>
        BenchRunner.Emit(new
        {
            bench = "journal", store = store.Kind, mode, run, events, actors, batch,
            elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
            events_per_s = Math.Round(events / elapsed.TotalSeconds),
        });

    /// <summary>Each of <paramref name="writers"/> writers makes <paramref name="commands"/> writes of <paramref name="batch"/> events, each durable before the next.</summary>
    private static async Task<TimeSpan> RunAsync(BenchStore store, int writers, int commands, int batch)
    {
        var serializer = BenchStore.Serializer();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var pid = $"bench-{Guid.NewGuid():N}";
            var seq = 0L;
            for (var c = 0; c < commands; c++)
            {
                var events = new PersistentRepr[batch];
                for (var i = 0; i < batch; i++)
                {
                    var value = serializer.Serialize(new BenchEvent(++seq, BenchEvent.DefaultNote));
                    events[i] = new PersistentRepr(pid, seq, value.Manifest, value.Payload, DateTimeOffset.UtcNow);
                }
                await store.Journal.WriteAsync(events);
            }
        })));
        sw.Stop();
        return sw.Elapsed;
    }
}
