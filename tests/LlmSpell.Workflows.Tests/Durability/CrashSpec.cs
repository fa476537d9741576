using System.Diagnostics;
using LlmSpell.Workflows.CrashHost;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class CrashSpec : DurableSpec
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
}
