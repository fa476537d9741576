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
/// (hangs), peak resident memory (target ≤ 512 MB), the slowest case.
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
        using var self = Process.GetCurrentProcess();
        var peakSeen = 0L;
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
            // The cases that raise the peak past the target, to find what costs the memory.
            self.Refresh();
            if (self.PeakWorkingSet64 > peakSeen && self.PeakWorkingSet64 > 512L << 20)
                BenchRunner.Emit(new { bench = "fuzz", @case = i, kind = c.Kind, chars = c.Text.Length, peak_rss_mb = self.PeakWorkingSet64 >> 20 });
            peakSeen = Math.Max(peakSeen, self.PeakWorkingSet64);
            if (ms > 2_000 && verdict != "long-by-design") BenchRunner.Emit(new { bench = "fuzz", @case = i, kind = c.Kind, slow_ms = Math.Round(ms) });
        }
        self.Refresh();
        var peakMb = self.PeakWorkingSet64 / (1024.0 * 1024.0);
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
            peak_rss_mb = Math.Round(peakMb),
            over_512_mb = peakMb > 512 ? 1 : 0,
            slowest_ms = Math.Round(slowest.Ms),
            slowest_case = slowest.Index,
            slowest_kind = slowest.Kind,
            wall_s = Math.Round(total.Elapsed.TotalSeconds, 1),
        });
    }
}
