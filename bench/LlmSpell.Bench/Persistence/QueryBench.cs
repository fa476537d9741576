using System.Diagnostics;
using System.Reflection;
using LlmSpell.Bench.Workflows;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// The run queries over the journal (Akka.Persistence.Query on Akka.Persistence.Sql), in-process and as whole CLI processes:
/// <c>workflow-show</c> — the history of a 10-event run among <c>--other</c> (default 100,000) events of other runs:
/// <c>engine.GetHistoryAsync(id)</c>, and <c>llmspell workflow show ID --data-dir DIR</c> (target process wall ≤ 150 ms);
/// <c>workflow-list</c> — <c>--n</c> (default 1,000) finished runs of 10 steps: <c>engine.ListRunsAsync()</c>, and
/// <c>llmspell workflow list --data-dir DIR</c> (target ≤ 300 ms).
/// In-process: <c>cold_ms</c> is a new actor system and engine on the journal and their first query (what a CLI process does
/// after the runtime starts); <c>p50_ms</c>/<c>p90_ms</c> are later queries of one warm engine. The CLI (SQLite only) is the built
/// one of the same configuration, or <c>--dll PATH</c>; when it is missing or fails, the line says so.
/// </summary>
public static class QueryBench
{
    public static async Task ShowAsync(BenchArgs args)
    {
        var other = args.Int("other", 100_000);
        var perRun = args.Int("per-run", 1_000);
        await using var store = await BenchStore.OpenAsync(args);
        var seedSystem = store.NewSystem();
        var id = "show-" + Guid.NewGuid().ToString("N")[..8];
        var otherRuns = Math.Max(1, other / perRun);
        var seed = Stopwatch.StartNew();
        await BenchRuns.SeedAsync(seedSystem, Enumerable.Range(0, otherRuns)
            .Select(_ => Guid.NewGuid().ToString("N"))
            .Select(o => (o, BenchRuns.Events(o, BenchRuns.Sequential("other", perRun / 2), perRun, finished: true)))
            .Append((id, BenchRuns.Events(id, BenchRuns.Sequential("show", 4), 10, finished: true))), parallel: 8, batch: SeedBatch(args, store));
        seed.Stop();
        await seedSystem.Terminate();
        BenchRunner.Emit(new { bench = "workflow-show", store = store.Kind, mode = "seed", events = otherRuns * perRun + 10, elapsed_ms = Math.Round(seed.Elapsed.TotalMilliseconds, 1) });

        await MeasureAsync("workflow-show", store, args, new { run_events = 10, other_events = otherRuns * perRun },
            async engine =>
            {
                var history = await engine.GetHistoryAsync(id);
                if (history.Count != 10) throw new InvalidOperationException($"the history of {id} has {history.Count} events, expected 10");
            },
            ["workflow", "show", id]);
    }

    public static async Task ListAsync(BenchArgs args)
    {
        var runs = args.Int("n", 1_000);
        await using var store = await BenchStore.OpenAsync(args);
        var seedSystem = store.NewSystem();
        var definition = BenchRuns.Sequential("listed", 10);
        var seed = Stopwatch.StartNew();
        await BenchRuns.SeedAsync(seedSystem, Enumerable.Range(0, runs)
            .Select(_ => Guid.NewGuid().ToString("N"))
            .Select(o => (o, BenchRuns.Events(o, definition, 22, finished: true))), parallel: 16, batch: SeedBatch(args, store));
        seed.Stop();
        await seedSystem.Terminate();
        BenchRunner.Emit(new { bench = "workflow-list", store = store.Kind, mode = "seed", runs, events = runs * 22, elapsed_ms = Math.Round(seed.Elapsed.TotalMilliseconds, 1) });

        await MeasureAsync("workflow-list", store, args, new { runs, events = runs * 22 },
            async engine =>
            {
                var listed = await engine.ListRunsAsync();
                if (listed.Count != runs) throw new InvalidOperationException($"listed {listed.Count} runs, expected {runs}");
            },
            ["workflow", "list"]);
    }

    private static async Task MeasureAsync(string bench, BenchStore store, BenchArgs args, object size, Func<WorkflowEngine, Task> query, string[] cliArgs)
    {
        var runs = args.Int("runs", 20);

        // Cold: a new actor system and engine, then the first query (twice: the first also JITs this process).
        var cold = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var system = store.NewSystem();
            await query(WorkflowShapeBench.DurableEngine(system, new WorkflowShapeBench.NoOpTool()));
            cold.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await system.Terminate();
        }

        var warmSystem = store.NewSystem();
        var engine = WorkflowShapeBench.DurableEngine(warmSystem, new WorkflowShapeBench.NoOpTool());
        for (var i = 0; i < 3; i++) await query(engine);
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await query(engine);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        BenchRunner.Emit(new
        {
            bench, store = store.Kind, mode = "in-process", size, runs,
            cold_first_ms = Math.Round(cold[0], 1), cold_ms = Math.Round(cold.Skip(1).Min(), 1),
            p50_ms = Math.Round(WorkflowShapeBench.Percentile(samples, 0.5), 2),
            p90_ms = Math.Round(WorkflowShapeBench.Percentile(samples, 0.9), 2),
        });

        if (store.Kind != "sqlite")
        {
            BenchRunner.Emit(new { bench, store = store.Kind, mode = "cli", skipped = "the CLI process is measured on SQLite (--data-dir) only" });
            return;
        }
        var dll = BenchRunner.CliDllPath(args);
        if (!File.Exists(dll))
        {
            BenchRunner.Emit(new { bench, store = store.Kind, mode = "cli", skipped = $"{Path.GetFullPath(dll)} not found: build src/LlmSpell.Cli (or pass --dll PUBLISHED)" });
            return;
        }
        var cliRuns = args.Int("cli-runs", 10);
        var wall = new List<double>();
        for (var i = 0; i < cliRuns + 2; i++)
        {
            var (ms, exit, stderr) = await TimeProcessAsync("dotnet", [dll, .. cliArgs, "--data-dir", store.Directory]);
            if (exit != 0)
            {
                BenchRunner.Emit(new { bench, store = store.Kind, mode = "cli", dll, failed = $"exit {exit}: {stderr.Trim().Split('\n')[0]}" });
                return;
            }
            if (i >= 2) wall.Add(ms);
        }
        wall.Sort();
        BenchRunner.Emit(new
        {
            bench, store = store.Kind, mode = "cli", dll, command = "llmspell " + string.Join(' ', cliArgs) + " --data-dir DIR", runs = cliRuns,
            p50_ms = Math.Round(WorkflowShapeBench.Percentile(wall.ToArray(), 0.5), 1),
            p90_ms = Math.Round(WorkflowShapeBench.Percentile(wall.ToArray(), 0.9), 1),
            min_ms = Math.Round(wall[0], 1),
        });
    }

    private static async Task<(double Ms, int Exit, string Stderr)> TimeProcessAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await stdout;
        return (ms, process.ExitCode, await stderr);
    }

    /// <summary><c>--seed-batch</c>: events per write when seeding (default 1,000 on SQLite, 100 on PostgreSQL, where a write of 1,000 tagged rows outlasts the journal's call timeout).</summary>
    internal static int SeedBatch(BenchArgs args, BenchStore store) => args.Int("seed-batch", store.Kind == "postgres" ? 100 : 1000);
}
