using System.Diagnostics;
using LlmSpell.Bench.Workflows;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Write throughput of the run journal (Akka.Persistence.Sql through an actor system configured by <c>RunStoreOptions</c>; run
/// events — step started/completed with a small output — through our serializer, lifecycle events tagged), each write durable
/// before its writer goes on:
/// <c>single</c> — one persistent actor, <c>Persist</c> of one event at a time;
/// <c>batch</c> — one persistent actor, <c>PersistAll</c> of <c>--batch</c> events at a time;
/// <c>concurrent</c> — <c>--actors</c> persistent actors (default 100) persisting one event at a time, all at once (target SQLite
/// ≥ 20,000 events/s, PostgreSQL ≥ 10,000);
/// <c>runs</c> — <c>--actors</c> durable workflow runs of 10 no-op tool steps at once through the engine (every journaled event counted).
/// <c>--modes</c> picks some of them (default all four).
/// </summary>
public static class JournalBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var single = args.Int("single", 2_000);
        var events = args.Int("n", 20_000);
        var batch = args.Int("batch", 100);
        var actors = args.Int("actors", 100);
        var runs = args.Int("runs", 3);
        var modes = args.String("modes", "single,batch,concurrent,runs").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await using var store = await BenchStore.OpenAsync(args);
        var system = store.NewSystem();

        await WriteAsync(system, 4, 50, 1); // warm-up: JIT, connections, table creation; not reported
        for (var r = 1; r <= runs; r++)
        {
            if (modes.Contains("single")) Emit(store, "single", r, single, 1, 1, await WriteAsync(system, 1, single, 1));
            if (modes.Contains("batch")) Emit(store, "batch", r, events, 1, batch, await WriteAsync(system, 1, events, batch));
            if (modes.Contains("concurrent")) Emit(store, "concurrent", r, events / actors * actors, actors, 1, await WriteAsync(system, actors, events / actors, 1));
        }
        if (modes.Contains("runs")) await RunsAsync(store, system, actors, runs);
    }

    private static void Emit(BenchStore store, string mode, int run, int events, int actors, int batch, TimeSpan elapsed) =>
        BenchRunner.Emit(new
        {
            bench = "journal", store = store.Kind, mode, run, events, actors, batch,
            elapsed_ms = Math.Round(elapsed.TotalMilliseconds, 1),
            events_per_s = Math.Round(events / elapsed.TotalSeconds),
        });

    /// <summary><paramref name="writers"/> persistent actors, recovered first, then all told to write <paramref name="events"/> events each, <paramref name="batch"/> per write.</summary>
    private static async Task<TimeSpan> WriteAsync(Akka.Actor.ActorSystem system, int writers, int events, int batch)
    {
        var handles = Enumerable.Range(0, writers)
            .Select(_ =>
            {
                var id = Guid.NewGuid().ToString("N");
                // One start event, then step events: the same rows a run writes.
                var runEvents = BenchRuns.Events(id, BenchRuns.Waiting, events, finished: false);
                return BenchRuns.StartWriter(system, $"bench-{id}", runEvents, batch);
            })
            .ToArray();
        await Task.WhenAll(handles.Select(h => h.Ready));
        var sw = Stopwatch.StartNew();
        foreach (var h in handles) h.Go();
        await Task.WhenAll(handles.Select(h => h.Done));
        sw.Stop();
        return sw.Elapsed;
    }

    /// <summary><paramref name="concurrent"/> durable runs of 10 no-op tool steps at once; events/s counts every event a run journals.</summary>
    private static async Task RunsAsync(BenchStore store, Akka.Actor.ActorSystem system, int concurrent, int runs)
    {
        var engine = WorkflowShapeBench.DurableEngine(system, new WorkflowShapeBench.NoOpTool());
        var definition = BenchRuns.Sequential("journal-runs", 10);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => engine.RunAsync(definition))); // warm-up
        var sample = await engine.RunAsync(definition);
        var perRun = (await engine.GetHistoryAsync(sample.RunId)).Count;
        for (var r = 1; r <= runs; r++)
        {
            var sw = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => engine.RunAsync(definition)));
            sw.Stop();
            if (results.FirstOrDefault(x => x.Status != RunStatus.Completed) is { } bad)
                throw new InvalidOperationException($"benchmark run ended {bad.Status}: {bad.Error}");
            BenchRunner.Emit(new
            {
                bench = "journal", store = store.Kind, mode = "runs", run = r, runs = concurrent, steps = 10, events_per_run = perRun,
                events = perRun * concurrent,
                elapsed_ms = Math.Round(sw.Elapsed.TotalMilliseconds, 1),
                events_per_s = Math.Round(perRun * concurrent / sw.Elapsed.TotalSeconds),
                runs_per_s = Math.Round(concurrent / sw.Elapsed.TotalSeconds, 1),
            });
        }
    }
}
