using System.Diagnostics;
using Akka.Actor;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Tests.Fuzz;

namespace LlmSpell.Bench.Definitions;

/// <summary>
/// Issue 21's large fuzz run: --n cases (default 10,000; --seed S) from the docs' and examples' workflows, each parsed,
/// validated, stored, drawn and — when valid — run in-process with echoing tools and instant agents (as the CLI would
/// run it: exit 0/1 for a result, 2 for validation errors). Prints one JSON line per slow or failing case and a summary:
/// internal errors (anything but a located one-line validation error or a run result), cases past their own limits + 5 s
/// (hangs), the slowest case, and memory per case (target ≤ 512 MB each, as a user's <c>llmspell run</c> of it would use).
/// In one process over thousands of cases the resident set only says how the runtime keeps freed memory (it crept to 1.7 GB
/// while the largest case alone takes 70 MB), so each case's bytes allocated bound what it could have held at once; a case
/// that allocated more than <c>--check-mb</c> (default 256) runs again as its own <c>llmspell run</c> process, whose peak
/// resident set (VmHWM) is its measure. <c>over_512_mb</c> counts those above 512 MB.
/// </summary>
public static class FuzzBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Int("n", 10_000);
        var seed = args.Int("seed", 21);
        var cap = TimeSpan.FromSeconds(args.Int("cap-s", 5));
        var fuzzer = new DefinitionFuzzer(DefinitionFuzzer.LoadSeeds(DefinitionFuzzer.RepositoryRoot()), seed);
        using var system = ActorSystem.Create("fuzz", "akka.loglevel = ERROR\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var engine = new WorkflowEngine(system, FuzzCheck.Services());
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var internalErrors = 0;
        var hangs = 0;
        var slowest = (Ms: 0.0, Index: -1, Kind: "");
        var total = Stopwatch.StartNew();
        var checkBytes = args.Int("check-mb", 256) * (1L << 20);
        var heavy = new List<(int Index, DefinitionFuzzer.Case Case, long Allocated)>();
        for (var i = 0; i < n; i++)
        {
            var c = fuzzer.Next(i);
            if (args.String("dump", "") == i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                // One case as a file, to run it through llmspell or a profiler.
                var dumped = Path.Combine(Path.GetTempPath(), c.FileName);
                File.WriteAllText(dumped, c.Text);
                BenchRunner.Emit(new { bench = "fuzz", @case = i, kind = c.Kind, file = dumped });
                return;
            }
            var watch = Stopwatch.StartNew();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var outcome = FuzzCheck.Parse(c);
            var problem = outcome.Verdict == FuzzCheck.Verdict.Internal ? outcome.Detail : null;
            var verdict = outcome.Verdict.ToString().ToLowerInvariant();
            if (outcome.Definition is { } definition)
            {
                var run = await FuzzCheck.RunAsync(engine, definition, cap);
                if (run == "long") verdict = "long-by-design";
                else if (run is not null) problem = run;
            }
            var ms = watch.Elapsed.TotalMilliseconds;
            counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
            if (problem is not null)
            {
                if (problem.StartsWith("hang", StringComparison.Ordinal)) hangs++;
                else internalErrors++;
                BenchRunner.Emit(new { bench = "fuzz", @case = i, kind = c.Kind, problem });
            }
            if (ms > slowest.Ms) slowest = (ms, i, c.Kind);
            var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
            if (allocated > checkBytes) heavy.Add((i, c, allocated));
            if (ms > 2_000 && verdict != "long-by-design") BenchRunner.Emit(new { bench = "fuzz", @case = i, kind = c.Kind, slow_ms = Math.Round(ms) });
        }
        var fuzzWall = total.Elapsed;
        var peaks = new List<double>();
        var cli = BenchRunner.CliDllPath(args);
        foreach (var (index, c, allocated) in heavy)
        {
            var peak = await CliPeakRssMbAsync(cli, c);
            peaks.Add(peak);
            BenchRunner.Emit(new { bench = "fuzz", @case = index, kind = c.Kind, chars = c.Text.Length, allocated_mb = allocated >> 20, llmspell_run_peak_rss_mb = peak });
        }
        BenchRunner.Emit(new
        {
            bench = "fuzz",
            cases = n,
            seed,
            valid = counts.GetValueOrDefault("valid"),
            invalid = counts.GetValueOrDefault("invalid"),
            long_by_design = counts.GetValueOrDefault("long-by-design"),
            internal_errors = internalErrors,
            hangs,
            checked_in_own_process = heavy.Count,
            largest_case_peak_rss_mb = peaks.Count == 0 ? 0 : peaks.Max(),
            over_512_mb = peaks.Count(p => p > 512),
            bench_process_peak_rss_mb = BenchRunner.PeakRssMb(),
            slowest_ms = Math.Round(slowest.Ms),
            slowest_case = slowest.Index,
            slowest_kind = slowest.Kind,
            wall_s = Math.Round(fuzzWall.TotalSeconds, 1),
        });
    }

    /// <summary>
    /// Runs the case as a user would (<c>llmspell run FILE --output json</c>, a throwaway data folder, no model server) and
    /// returns the process's peak resident set in MB, read from /proc until it exits (the high-water mark only grows).
    /// </summary>
    private static async Task<double> CliPeakRssMbAsync(string dll, DefinitionFuzzer.Case c)
    {
        var folder = Directory.CreateTempSubdirectory("llmspell-fuzz-");
        try
        {
            var file = Path.Combine(folder.FullName, c.FileName);
            await File.WriteAllTextAsync(file, c.Text);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { dll, "run", file, "--output", "json" }) start.ArgumentList.Add(arg);
            start.Environment["LLMSPELL_DATA_DIR"] = Path.Combine(folder.FullName, "data");
            start.Environment["OLLAMA_HOST"] = "http://127.0.0.1:9";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            // Drained, so that a long error never blocks the process on a full pipe.
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            var peak = 0.0;
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!process.HasExited && !limit.IsCancellationRequested)
            {
                peak = Math.Max(peak, BenchRunner.PeakRssMb(process.Id));
                await Task.Delay(10);
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"llmspell run of {c.FileName} ({c.Kind}) did not end within 2 minutes");
            }
            await Task.WhenAll(output, errors);
            return peak;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
