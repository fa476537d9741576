using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using LlmSpell.Workflows.CrashHost;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class CrashSpec(ITestOutputHelper testOutput) : DurableSpec
{
    /// <summary>The host's dll beside this test assembly (the project reference copies it, with its runtime config).</summary>
    private static string HostDll => Path.Combine(AppContext.BaseDirectory, "LlmSpell.Workflows.CrashHost.dll");

    [Fact]
    public async Task A_run_killed_with_sigkill_mid_step_resumes_without_running_a_completed_step_twice()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var calls = Path.Combine(Directory, "calls.txt");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostDll);
        start.ArgumentList.Add(Directory);
        start.ArgumentList.Add(calls);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var host = Process.Start(start)!)
        {
            try
            {
                string? line;
                while ((line = await host.StandardOutput.ReadLineAsync(limit.Token)) != CrashWorkflow.ReadyLine)
                {
                    if (line is null)
                        throw new Xunit.Sdk.XunitException($"the host ended before step two ran: {await host.StandardError.ReadToEndAsync(limit.Token)}");
                }
            }
            finally
            {
                host.Kill(entireProcessTree: true); // SIGKILL on Linux: no shutdown hooks, no flush.
                await host.WaitForExitAsync(limit.Token);
            }
        }
        File.ReadAllLines(calls).Should().Equal("one", "two");
        var engine = DurableEngine(NewSystem(), CrashWorkflow.Tools(calls, hangIn: null), agents: null);
        var run = await engine.ResumeAsync(CrashWorkflow.RunId);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        File.ReadAllLines(calls).Should().Equal(["one", "two", "two", "three"], "one completed before the kill; two was in flight and runs again");
        result.Output!["step"]!.ToString().Should().Be("three");
        result.Output!["parameters"]!["from"]!.ToString().Should().Be("two");
        result.Steps.Single(s => s.Name == "two").Output!["parameters"]!["from"]!.ToString().Should().Be("one");
    }

    /// <summary>
    /// Issue #16 item 6: the host process is killed with SIGKILL at seeded random points (after it made at least one new tool
    /// call, plus 0–150 ms) and started again, which resumes the run from the SQLite journal. After each kill the journal is
    /// read in this process; it must be readable, its completed steps must never be called again, and no completed step may
    /// disappear from it. A step may run again only if it was the one in flight at a kill.
    /// </summary>
    [Fact]
    public async Task A_run_killed_with_sigkill_at_random_points_never_reruns_a_journaled_step_and_its_journal_stays_readable()
    {
        // Each step takes at least delayMs, so a round (one call seen, then 0-150 ms, plus polling and the kill) runs a handful of
        // steps however fast the journal is: 200 steps leave ten rounds far from the end (50 did not once writes got faster).
        const int steps = 200, delayMs = 40, kills = 10;
        var random = new Random(16);
        System.IO.Directory.CreateDirectory(Directory);
        var calls = Path.Combine(Directory, "calls.txt");
        var runId = CrashWorkflow.StepsRunId(steps);
        var names = Enumerable.Range(0, steps).Select(CrashWorkflow.StepName).ToArray();
        var completed = new HashSet<string>(StringComparer.Ordinal); // in the journal after the last kill
        var inFlightAtKill = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        var seen = 0; // calls made by the earlier rounds
        var log = new StringBuilder();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a hang guard, not a measurement

        for (var round = 1; round <= kills; round++)
        {
            using (var host = StartHost(calls, steps, delayMs, out var output))
            {
                try
                {
                    await WaitForCallAsync(host, calls, seen, output, limit.Token);
                    await Task.Delay(random.Next(0, 151), limit.Token); // the random point
                    if (host.HasExited)
                        throw new Xunit.Sdk.XunitException($"round {round}: the run ended before kill {round} (give it more steps): {output}");
                }
                finally
                {
                    host.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks, no flush.
                    await host.WaitForExitAsync(limit.Token);
                }
            }
            var all = ReadCalls(calls);
            var thisRound = all[seen..];
            seen = all.Length;
            thisRound.Where(completed.Contains).Should().BeEmpty(
                $"round {round} must not call a step its journal had as completed ({string.Join(",", completed.Order())}); log:\n{log}");

            // The journal of a killed process: readable, and every step it had is still there.
            var system = NewSystem();
            RunRecord record;
            try
            {
                record = await DurableEngine(system, CrashWorkflow.SequenceTools(steps, calls, TimeSpan.Zero)).GetRunAsync(runId, limit.Token);
            }
            finally
            {
                await system.Terminate();
            }
            record.Summary.State.Should().Be(RunState.Unfinished, $"round {round} was killed mid-run; log:\n{log}");
            var nowCompleted = CompletedSteps(record).Keys.ToHashSet(StringComparer.Ordinal);
            completed.Except(nowCompleted).Should().BeEmpty($"a step journaled as completed stays so (round {round})");
            var inFlight = thisRound.Length > 0 && !nowCompleted.Contains(thisRound[^1]) ? thisRound[^1] : null;
            if (inFlight is not null) inFlightAtKill[inFlight]++;
            log.AppendLine($"round {round}: called {string.Join(",", thisRound)}; journal has {nowCompleted.Count} completed; in flight: {inFlight ?? "none"}");
            completed = nowCompleted;
        }

        // The last round is not killed: the run ends, with no completed step called again.
        using (var host = StartHost(calls, steps, delayMs, out var output))
        {
            await host.WaitForExitAsync(limit.Token);
            host.ExitCode.Should().Be(0, output.ToString());
            output.ToString().Should().Contain("FINISHED Completed");
        }
        var final = ReadCalls(calls);
        log.AppendLine($"last round: called {string.Join(",", final[seen..])}");
        testOutput.WriteLine(log.ToString());
        final[seen..].Where(completed.Contains).Should().BeEmpty($"the last round must not call a step its journal had as completed; log:\n{log}");

        var finalSystem = NewSystem();
        var done = await DurableEngine(finalSystem, CrashWorkflow.SequenceTools(steps, calls, TimeSpan.Zero)).GetRunAsync(runId, limit.Token);
        await finalSystem.Terminate();
        done.Summary.State.Should().Be(RunState.Completed);
        var outputs = CompletedSteps(done);
        outputs.Keys.Should().BeEquivalentTo(names);
        for (var i = 0; i < steps; i++)
        {
            var output = outputs[names[i]];
            output["step"]!.ToString().Should().Be(names[i]);
            output["parameters"]![i == 0 ? "topic" : "from"]!.ToString().Should().Be(i == 0 ? "crash" : names[i - 1], "each step reads the output of the one before it, across kills");
        }
        var counts = final.GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        counts.Keys.Should().BeEquivalentTo(names, "every step was called, and nothing else");
        foreach (var name in names)
            counts[name].Should().BeLessThanOrEqualTo(1 + inFlightAtKill[name], $"{name} runs again only after a kill while it was in flight; log:\n{log}");
        inFlightAtKill.Values.Sum().Should().BeLessThanOrEqualTo(kills);
    }

    /// <summary>The host in its <c>--steps</c> mode, its output (stdout and stderr) collected in <paramref name="output"/>.</summary>
    private Process StartHost(string calls, int steps, int delayMs, out StringBuilder output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { HostDll, Directory, calls, "--steps", steps.ToString(), "--delay-ms", delayMs.ToString() })
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

    /// <summary>Waits until the calls file has more than <paramref name="seen"/> calls: the host has made a call this round.</summary>
    private static async Task WaitForCallAsync(Process host, string calls, int seen, StringBuilder output, CancellationToken cancellationToken)
    {
        while (ReadCalls(calls).Length <= seen)
        {
            if (host.HasExited)
                throw new Xunit.Sdk.XunitException($"the host ended (exit code {host.ExitCode}) without making a call: {output}");
            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>The calls so far, one name per whole line (a line still being written is not one yet).</summary>
    private static string[] ReadCalls(string calls)
    {
        if (!File.Exists(calls)) return [];
        using var stream = new FileStream(calls, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    /// <summary>The output of every step whose <see cref="StepCompleted"/> is in the journal, by step name.</summary>
    private static Dictionary<string, System.Text.Json.Nodes.JsonNode> CompletedSteps(RunRecord record) =>
        record.History.Select(h => h.Event).OfType<StepCompleted>()
            .ToDictionary(e => e.Step, e => e.Result.Output!, StringComparer.Ordinal);
}
