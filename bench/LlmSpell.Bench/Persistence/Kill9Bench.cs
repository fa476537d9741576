using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Bench.Workflows;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// Crash safety under SIGKILL: <c>--n</c> (default 100) kills of a real process (this bench as <c>kill9-host</c>) running durable
/// sequential runs of <c>--steps</c> tool steps (each taking <c>--step-ms</c>) on one SQLite journal, each kill at a random point
/// (uniform over the host's start plus one run). The next process resumes the run it was running (or starts the next). Between
/// processes the bench reads the journal itself; it counts completed steps run again (a tool call of a step whose completion
/// was already journaled; target 0) and unreadable journals (the run cannot be read, resumed or shown; target 0).
/// </summary>
public static class Kill9Bench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var kills = args.Int("n", 100);
        var steps = args.Int("steps", 20);
        var stepMs = args.Int("step-ms", 5);
        var seed = args.Int("seed", 16);
        var dir = Path.Combine(Path.GetTempPath(), $"llmspell-kill9-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var calls = Path.Combine(dir, "calls.log");
        var db = Path.Combine(dir, "llmspell.db");
        var random = new Random(seed);
        var self = typeof(Kill9Bench).Assembly.Location;

        // How long a host takes to start and finish one run: the range the kills fall in.
        var probe = Stopwatch.StartNew();
        var (probeExit, probeOut, probeRun) = await HostAsync(self, dir, "probe", steps, stepMs, killAfter: null);
        probe.Stop();
        if (probeExit != 0 || !probeOut.Contains("FINISHED Completed", StringComparison.Ordinal))
            throw new InvalidOperationException($"the host did not finish a run (exit {probeExit}): {probeOut}");
        // Kills fall uniformly over the run (from its acceptance to its end) and a little beyond.
        var span = probeRun.TotalMilliseconds * 1.2;

        var rerunCompleted = 0;
        var unreadable = 0;
        var hostErrors = 0;
        var finishedRuns = 0;
        var resumes = 0;
        var killsDone = 0;
        var runNumber = 1;
        var runId = $"k{runNumber}";
        var callsSeen = File.Exists(calls) ? File.ReadAllLines(calls).Length : 0;
        var wall = Stopwatch.StartNew();
        while (killsDone < kills)
        {
            HashSet<string> completedBefore;
            try
            {
                completedBefore = CompletedSteps(db, runId, out var finished);
                if (finished)
                {
                    finishedRuns++;
                    runId = $"k{++runNumber}";
                    completedBefore = [];
                }
            }
            catch (Exception ex) when (ex is SqliteException or JsonException or InvalidOperationException)
            {
                unreadable++;
                Console.Error.WriteLine($"kill9: run {runId} unreadable after kill {killsDone}: {ex.Message}");
                runId = $"k{++runNumber}";
                completedBefore = [];
            }
            if (completedBefore.Count > 0) resumes++;
            var killAfter = TimeSpan.FromMilliseconds(random.NextDouble() * span);
            var (exit, output, _) = await HostAsync(self, dir, runId, steps, stepMs, killAfter);
            if (exit == -9) killsDone++;
            else if (exit != 0)
            {
                hostErrors++;
                Console.Error.WriteLine($"kill9: host exit {exit} on run {runId}: {output.Trim()}");
                runId = $"k{++runNumber}";
            }
            // Tool calls since the last process: a step whose completion was journaled before it started is a completed step run again.
            var lines = File.Exists(calls) ? File.ReadAllLines(calls) : [];
            foreach (var line in lines.Skip(callsSeen))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && parts[0] == runId && completedBefore.Contains(parts[1])) rerunCompleted++;
            }
            callsSeen = lines.Length;
        }
        wall.Stop();

        // Finally, every run must be readable through the engine's own queries.
        var store = RunStoreOptions.Sqlite(db);
        await store.PrepareAsync();
        using (var system = store.CreateSystem("kill9-check", Akka.Configuration.ConfigurationFactory
                   .ParseString("akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off")))
        {
            var engine = WorkflowShapeBench.DurableEngine(system, new WorkflowShapeBench.NoOpTool());
            foreach (var run in await engine.ListRunsAsync())
            {
                try
                {
                    await engine.GetHistoryAsync(run.RunId);
                }
                catch (Exception ex)
                {
                    unreadable++;
                    Console.Error.WriteLine($"kill9: run {run.RunId} cannot be shown: {ex.Message}");
                }
            }
            await system.Terminate();
        }
        SqliteConnection.ClearAllPools();
        BenchRunner.Emit(new
        {
            bench = "kill9", store = "sqlite", kills, steps, step_ms = stepMs, seed,
            host_process_ms = Math.Round(probe.Elapsed.TotalMilliseconds), run_ms = Math.Round(probeRun.TotalMilliseconds), host_errors = hostErrors,
            runs_finished = finishedRuns, resumes_of_a_run_with_completed_steps = resumes,
            completed_steps_rerun = rerunCompleted, unreadable_journals = unreadable,
            wall_s = Math.Round(wall.Elapsed.TotalSeconds, 1),
        });
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The steps of <paramref name="runId"/> whose completion is journaled, read straight from the SQLite journal.</summary>
    private static HashSet<string> CompletedSteps(string db, string runId, out bool finished)
    {
        finished = false;
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(db)) return done;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        connection.Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'journal'";
        if ((long)exists.ExecuteScalar()! == 0) return done;
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", "run-" + runId);
        using var reader = command.ExecuteReader();
        var expected = 1L;
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            if (seq != expected) throw new InvalidOperationException($"event #{expected} is missing (next is #{seq})");
            expected++;
            var manifest = reader.GetString(1);
            var json = JsonNode.Parse((byte[])reader.GetValue(2)) ?? throw new InvalidOperationException($"event #{seq} is null");
            if (manifest == "step-completed.v1") done.Add(json["step"]?.GetValue<string>() ?? json["Step"]?.GetValue<string>()
                ?? throw new InvalidOperationException($"event #{seq} has no step: {json.ToJsonString()}"));
            if (manifest is "workflow-completed.v1" or "workflow-failed.v1" or "workflow-cancelled.v1" or "workflow-timed-out.v1") finished = true;
        }
        return done;
    }

    /// <summary>Runs a host; with <paramref name="killAfter"/>, SIGKILLs it that long after it printed STARTED (its run accepted), unless it ended first.</summary>
    private static async Task<(int Exit, string Output, TimeSpan Run)> HostAsync(string self, string dir, string runId, int steps, int stepMs, TimeSpan? killAfter)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { self, "kill9-host", "--dir", dir, "--run", runId, "--steps", steps.ToString(), "--step-ms", stepMs.ToString() })
            info.ArgumentList.Add(a);
        var output = new System.Text.StringBuilder();
        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("STARTED", StringComparison.Ordinal)) started.TrySetResult(Stopwatch.GetTimestamp());
            if (e.Data.StartsWith("FINISHED", StringComparison.Ordinal)) finished.TrySetResult(Stopwatch.GetTimestamp());
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (killAfter is { } delay)
        {
            if (await Task.WhenAny(exited, started.Task) != exited && await Task.WhenAny(exited, Task.Delay(delay)) != exited)
            {
                process.Kill(); // SIGKILL on Linux
                await process.WaitForExitAsync();
                return (-9, output.ToString(), TimeSpan.Zero);
            }
        }
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMinutes(2))) != exited)
        {
            process.Kill();
            throw new TimeoutException($"the host of run {runId} did not finish within 2 minutes");
        }
        await process.WaitForExitAsync();
        var run = started.Task.IsCompleted && finished.Task.IsCompleted ? Stopwatch.GetElapsedTime(started.Task.Result, finished.Task.Result) : TimeSpan.Zero;
        return (process.ExitCode, output.ToString(), run);
    }

    /// <summary>The process kill9 kills: runs (or resumes) run <c>--run</c> of <c>--steps</c> tool steps on <c>--dir</c>/llmspell.db.</summary>
    public static async Task HostAsync(BenchArgs args)
    {
        var dir = args.String("dir", "");
        var runId = args.String("run", "");
        var steps = args.Int("steps", 20);
        var stepMs = args.Int("step-ms", 5);
        var store = RunStoreOptions.Sqlite(Path.Combine(dir, "llmspell.db"));
        await store.PrepareAsync();
        using var system = store.CreateSystem("kill9-host", Akka.Configuration.ConfigurationFactory
            .ParseString("akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));
        var tool = new CallTool(Path.Combine(dir, "calls.log"), TimeSpan.FromMilliseconds(stepMs));
        var options = WorkflowEngineOptions.Default
            .WithDurability(new DurableRunOptions { LiveRunsDirectory = Path.Combine(dir, "live"), ResumeOnStart = false })
            .WithRunIdGenerator(() => runId);
        var engine = new WorkflowEngine(system, new WorkflowServices { Tools = new ToolRegistry([tool]), Agents = new WorkflowShapeBench.NoAgents() }, options);
        IWorkflowRun run;
        try
        {
            run = await engine.ResumeAsync(runId);
        }
        catch (KeyNotFoundException)
        {
            // Not in the journal yet: start it. The refused resume's run actor may still be stopping, and a start under its id is
            // refused as "already active" until it has (see the report): retry for a while.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    run = await engine.StartAsync(BenchRuns.Sequential("kill9", steps, tool: "call"), new JsonObject { ["topic"] = "kill9" });
                    break;
                }
                catch (InvalidOperationException ex) when (attempt < 100 && ex.Message.Contains("already active", StringComparison.Ordinal))
                {
                    await Task.Delay(10);
                }
            }
        }
        Console.WriteLine($"STARTED {run.Id}");
        var result = await run.Completion;
        Console.WriteLine($"FINISHED {result.Status}");
        await system.Terminate();
    }

    /// <summary>Appends "run step" to the calls file when called (before its work), then works for a while.</summary>
    private sealed class CallTool(string callsFile, TimeSpan work) : ITool
    {
        private readonly Lock _gate = new();
        public string Name => "call";
        public string Description => "records its call";
        public JsonObject ParametersSchema => new() { ["type"] = "object" };

        public async Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken)
        {
            lock (_gate) File.AppendAllText(callsFile, $"{context.RunId} {context.StepName}\n");
            await Task.Delay(work, cancellationToken);
            return new JsonObject { ["step"] = context.StepName };
        }
    }
}
