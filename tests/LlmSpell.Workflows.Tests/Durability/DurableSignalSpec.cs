using System.Text.Json.Nodes;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class DurableSignalSpec : DurableSpec
{
    [Fact]
    public async Task A_run_waiting_for_a_signal_waits_again_after_a_restart_and_continues_on_the_signal()
    {
        var definition = Sequential("approve", Tool("draft"), Wait("approval", "approved"), Tool("publish", parameters: """{"by":"{{steps.approval.output.by}}"}"""));
        var before = new ScriptedTools().Counts("draft").Echo("publish");
        var system = NewSystem();
        var engine = DurableEngine(system, before, runId: "hitl");
        var run = await engine.StartAsync(definition);
        await NextEvent<SignalAwaited>(run);
        await system.Terminate();
        (await Finished(run)).Status.Should().Be(RunStatus.Cancelled);

        var after = new ScriptedTools().Counts("draft").Echo("publish");
        var engine2 = DurableEngine(NewSystem(), after);
        var resumed = await engine2.ResumeAsync("hitl");
        (await NextEvent<SignalAwaited>(resumed)).Signal.Should().Be("approved");

        var wrong = () => engine2.SignalAsync("hitl", "rejected");
        (await wrong.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("approved");
        var unknown = () => engine2.SignalAsync("nope", "approved");
        await unknown.Should().ThrowAsync<KeyNotFoundException>();

        await engine2.SignalAsync("hitl", "approved", new JsonObject { ["by"] = "ana" });
        var result = await Finished(resumed);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!["by"]!.ToString().Should().Be("ana");
        after.Calls("draft").Should().Be(0);
        var history = await engine2.GetHistoryAsync("hitl");
        history.Select(h => h.Event).OfType<SignalReceived>().Should().ContainSingle().Which.Payload!["by"]!.ToString().Should().Be("ana");
    }

    private static async Task<T> NextEvent<T>(IWorkflowRun run) where T : WorkflowEvent
    {
        using var cts = new CancellationTokenSource(RunLimit);
        await foreach (var e in run.Events.WithCancellation(cts.Token))
            if (e is T t) return t;
        throw new Xunit.Sdk.XunitException($"the run ended without a {typeof(T).Name}");
    }
}
