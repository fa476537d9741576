using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Issue #16 item 6 at scale: the crash host (tests/LlmSpell.Workflows.CrashHost, <c>--steps N --delay-ms D</c>) is killed with
/// SIGKILL at seeded random points — after it made a new tool call, plus 0–<c>--jitter-ms</c> ms — and started again, which
/// resumes its run from the SQLite journal; after every kill the journal is read here (a durable WorkflowEngine's
/// GetRunAsync). A run takes <c>--kills-per-run</c> kills, then runs to its end and is checked; then a new run in a new
/// directory, until <c>--kills</c> kills. Prints a JSON line per run and a total line:
/// <c>{kills, completed_steps_rerun, unreadable_journals, …}</c>; exits 1 unless every count of a broken promise is 0.
/// <para>
/// Options: <c>--kills 100 --kills-per-run 10 --steps 40 --delay-ms 40 --jitter-ms 150 --seed 16</c>,
/// <c>--host PATH</c> (LlmSpell.Workflows.CrashHost.dll; default: $LLMSPELL_CRASH_HOST, else found under tests/ of the
/// repository above this assembly), <c>--dir PATH</c> (where the runs' directories go; default: a temp directory, deleted).
/// </para>
/// </summary>
public static class KillBench
{
    // The crash host's names (CrashWorkflow.StepsRunId / StepName), repeated here: this project does not reference the host.
    private static string RunId(int steps) => $"crash-{steps}-steps";

    private static string StepName(int index) => $"step{index + 1:D2}";

    public static async Task<int> RunAsync(string[] args)
    {
        Dictionary<string, string> options;
        try
        {
            options = Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine("usage: kill [--kills 100] [--kills-per-run 10] [--steps 40] [--delay-ms 40] [--jitter-ms 150] [--seed 16] [--host PATH] [--dir PATH]");
            return 2;
        }
        int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var settings = new Settings(
            Kills: Int("kills", 100), KillsPerRun: Int("kills-per-run", 10), Steps: Int("steps", 40),
            DelayMs: Int("delay-ms", 40), JitterMs: Int("jitter-ms", 150), Host: options.GetValueOrDefault("host") ?? FindHost());
        if (settings.Host is null || !File.Exists(settings.Host))
        {
            Console.Error.WriteLine("error: LlmSpell.Workflows.CrashHost.dll not found: build tests/LlmSpell.Workflows.CrashHost (-c Release) or give --host PATH");
            return 2;
        }
        var keep = options.TryGetValue("dir", out var dir);
        var root = dir ?? Path.Combine(Path.GetTempPath(), "llmspell-kill-" + Guid.NewGuid().ToString("N"));
        var random = new Random(Int("seed", 16));
        var total = new Tally();
        var wall = Stopwatch.StartNew();
        try
        {
            for (var run = 1; total.Kills < settings.Kills; run++)
            {
                var tally = await OneRunAsync(settings, Path.Combine(root, $"run-{run:D3}"), Math.Min(settings.KillsPerRun, settings.Kills - total.Kills), random);
                total.Add(tally);
                Emit(tally.ToJson("kill-run", run, settings));
            }
        }
        finally
        {
            if (!keep) TryDelete(root);
        }
        var json = total.ToJson("kill", null, settings);
        json["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1);
        Emit(json);
        return total.Broken == 0 ? 0 : 1;
    }

    private sealed record Settings(int Kills, int KillsPerRun, int Steps, int DelayMs, int JitterMs, string? Host);

    private sealed class Tally
    {
        public int Kills;                // SIGKILLs of a host that was still running
        public int CompletedStepsRerun;  // calls to a step the journal had as completed before the round
        public int UnreadableJournals;   // GetRunAsync failed after a kill
        public int LostCompletedSteps;   // a step journaled as completed that a later read no longer had
        public int ExcessCalls;          // calls beyond 1 + (kills while the step was in flight)
        public int RunsNotCompleted;     // the run did not end completed with every step's output
        public int InFlightReruns;       // re-runs of the step in flight at a kill (allowed)
        public int RunsEndedEarly;       // the run ended before its kills were done (more --steps)
        public int HostFailures;         // a host exited by itself without ending the run (its output goes to stderr)

        public int Broken => CompletedStepsRerun + UnreadableJournals + LostCompletedSteps + ExcessCalls + RunsNotCompleted;

        public void Add(Tally t)
        {
            Kills += t.Kills; CompletedStepsRerun += t.CompletedStepsRerun; UnreadableJournals += t.UnreadableJournals;
            LostCompletedSteps += t.LostCompletedSteps; ExcessCalls += t.ExcessCalls; RunsNotCompleted += t.RunsNotCompleted;
            InFlightReruns += t.InFlightReruns; RunsEndedEarly += t.RunsEndedEarly; HostFailures += t.HostFailures;
        }

        public JsonObject ToJson(string bench, int? run, Settings s)
        {
            var json = new JsonObject { ["bench"] = bench };
            if (run is not null) json["run"] = run;
            json["kills"] = Kills;
            json["completed_steps_rerun"] = CompletedStepsRerun;
            json["unreadable_journals"] = UnreadableJournals;
            json["lost_completed_steps"] = LostCompletedSteps;
            json["excess_calls"] = ExcessCalls;
            json["runs_not_completed"] = RunsNotCompleted;
            json["in_flight_reruns"] = InFlightReruns;
            json["runs_ended_early"] = RunsEndedEarly;
            json["host_failures"] = HostFailures;
            json["steps"] = s.Steps;
            json["delay_ms"] = s.DelayMs;
            return json;
        }
    }

    /// <summary>One run in <paramref name="directory"/>: <paramref name="kills"/> kills, then to its end; what broke is counted, not thrown.</summary>
    private static async Task<Tally> OneRunAsync(Settings s, string directory, int kills, Random random)
    {
        Directory.CreateDirectory(directory);
        var calls = Path.Combine(directory, "calls.txt");
        var names = Enumerable.Range(0, s.Steps).Select(StepName).ToArray();
        var tally = new Tally();
        var completed = new HashSet<string>(StringComparer.Ordinal);
        var inFlightAtKill = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        var seen = 0;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // a hang guard

        for (var round = 1; round <= kills; round++)
        {
            bool ended, finished = false;
            using (var host = StartHost(s, directory, calls, out var output))
            {
                try
                {
                    while (ReadCalls(calls).Length <= seen && !host.HasExited) await Task.Delay(5, limit.Token);
                    if (!host.HasExited) await Task.Delay(random.Next(0, s.JitterMs + 1), limit.Token);
                    ended = host.HasExited;
                }
                finally
                {
                    host.Kill(entireProcessTree: true);
                    await host.WaitForExitAsync(limit.Token);
                }
                finished = ended && (output.ToString().Contains("FINISHED Completed", StringComparison.Ordinal) || output.ToString().Contains("ALREADY Completed", StringComparison.Ordinal));
                if (ended && !finished) Console.Error.WriteLine($"{directory}: the host ended by itself: {output}");
            }
            var all = ReadCalls(calls);
            var thisRound = all[seen..];
            seen = all.Length;
            tally.CompletedStepsRerun += thisRound.Count(completed.Contains);
            if (finished)
            {
                tally.RunsEndedEarly++;
                break;
            }
            if (ended)
            {
                tally.HostFailures++; // not a kill: the round is done again
                round--;
                if (tally.HostFailures > 3) break;
                continue;
            }
            tally.Kills++;
            var record = await ReadJournalAsync(directory, s.Steps, limit.Token);
            if (record is null)
            {
                tally.UnreadableJournals++;
                continue; // what the journal had stays the reference
            }
            var now = record.History.Select(h => h.Event).OfType<StepCompleted>().Select(e => e.Step).ToHashSet(StringComparer.Ordinal);
            tally.LostCompletedSteps += completed.Count(c => !now.Contains(c));
            if (thisRound.Length > 0 && !now.Contains(thisRound[^1])) inFlightAtKill[thisRound[^1]]++;
            completed.UnionWith(now);
        }

        // To its end, not killed.
        using (var host = StartHost(s, directory, calls, out var output))
        {
            await host.WaitForExitAsync(limit.Token);
            if (host.ExitCode != 0) Console.Error.WriteLine($"{directory}: the last host exited {host.ExitCode}: {output}");
        }
        var final = ReadCalls(calls);
        tally.CompletedStepsRerun += final[seen..].Count(completed.Contains);
        var done = await ReadJournalAsync(directory, s.Steps, limit.Token);
        if (done is null) tally.UnreadableJournals++;
        var outputs = done?.History.Select(h => h.Event).OfType<StepCompleted>().ToDictionary(e => e.Step, e => e.Result.Output, StringComparer.Ordinal);
        var whole = done?.Summary.State == RunState.Completed && outputs is not null
            && names.All(n => outputs.TryGetValue(n, out var o) && o?["step"]?.ToString() == n);
        if (!whole) tally.RunsNotCompleted++;
        var counts = final.GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var name in names)
        {
            var called = counts.GetValueOrDefault(name);
            tally.ExcessCalls += Math.Max(0, called - 1 - inFlightAtKill[name]);
            tally.InFlightReruns += Math.Max(0, Math.Min(called - 1, inFlightAtKill[name]));
        }
        return tally;
    }

    private static Process StartHost(Settings s, string directory, string calls, out StringBuilder output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { s.Host!, directory, calls, "--steps", s.Steps.ToString(CultureInfo.InvariantCulture), "--delay-ms", s.DelayMs.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        var collected = new StringBuilder();
        var host = new Process { StartInfo = start };
        host.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (collected) collected.AppendLine(e.Data); };
        host.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (collected) collected.AppendLine(e.Data); };
        host.Start();
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        output = collected;
        return host;
    }

    /// <summary>The run as a durable engine reads it from the directory's journal (in a system terminated after), or null if it cannot.</summary>
    private static async Task<RunRecord?> ReadJournalAsync(string directory, int steps, CancellationToken cancellationToken)
    {
        var store = RunStoreOptions.Sqlite(Path.Combine(directory, "llmspell.db"));
        var system = ActorSystem.Create("kill-bench",
            ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off\nakka.loglevel = WARNING").WithFallback(store.ToConfig()));
        try
        {
            var engine = new WorkflowEngine(system, new WorkflowServices { Tools = new NoTools(), Agents = new NoAgents() },
                WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { LiveRunsDirectory = Path.Combine(directory, "live"), ResumeOnStart = false }));
            return await engine.GetRunAsync(RunId(steps), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"{directory}: the journal cannot be read: {ex}");
            return null;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static string[] ReadCalls(string calls)
    {
        if (!File.Exists(calls)) return [];
        using var stream = new FileStream(calls, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    private static string? FindHost()
    {
        if (Environment.GetEnvironmentVariable("LLMSPELL_CRASH_HOST") is { Length: > 0 } fromEnv) return fromEnv;
        // Beside this assembly if the bench references the host project; else in the repository's tests/ build output.
        var beside = Path.Combine(AppContext.BaseDirectory, "LlmSpell.Workflows.CrashHost.dll");
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "tests", "LlmSpell.Workflows.CrashHost", "bin");
            if (!Directory.Exists(project)) continue;
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(project, configuration, "net10.0", "LlmSpell.Workflows.CrashHost.dll");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new FormatException($"expected '--key value' at argument {i + 1} ('{args[i]}')");
            values[args[i][2..]] = args[++i];
        }
        foreach (var key in new[] { "kills", "kills-per-run", "steps", "delay-ms", "jitter-ms", "seed" })
        {
            if (values.TryGetValue(key, out var v) && (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || (n < 1 && key is not ("jitter-ms" or "delay-ms"))))
                throw new FormatException($"--{key} takes a positive whole number, not '{v}'");
        }
        return values;
    }

    private static void Emit(JsonObject measurement) => Console.WriteLine(measurement.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class NoTools : IToolRegistry
    {
        public ITool? Find(string name) => null;
        public IReadOnlyCollection<ITool> All => [];
    }

    private sealed class NoAgents : IAgentExecutor
    {
        public Task<AgentResult> ExecuteAsync(AgentRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the kill bench reads journals only");
    }
}
