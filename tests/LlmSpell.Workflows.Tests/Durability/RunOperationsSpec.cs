using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class RunOperationsSpec : DurableSpec
{
    [Fact]
    public async Task Runs_are_listed_with_state_and_filters_and_their_history_and_export_come_from_the_journal()
    {
        var ids = new Queue<string>(["ok", "bad", "hung"]);
        var tools = new ScriptedTools().Echo("a").Fails("b").Hangs("h");
        var engine = new LlmSpell.Workflows.Execution.WorkflowEngine(NewSystem(), new LlmSpell.Workflows.Execution.WorkflowServices { Tools = tools, Agents = new ScriptedAgents() },
            LlmSpell.Workflows.Execution.WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions { LiveRunsDirectory = LiveRunsDirectory, ResumeOnStart = false }).WithRunIdGenerator(ids.Dequeue));
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        (await Finished(await engine.StartAsync(Sequential("good", Tool("a"))))).Status.Should().Be(RunStatus.Completed);
        (await Finished(await engine.StartAsync(Sequential("broken", Tool("b"))))).Status.Should().Be(RunStatus.Failed);
        var hung = await engine.StartAsync(Sequential("slow", Tool("h")));
        await tools.WhenCalled("h").WaitAsync(RunLimit);

        (await engine.ListRunsAsync()).Select(r => (r.RunId, r.State)).Should().BeEquivalentTo(
            [("ok", RunState.Completed), ("bad", RunState.Failed), ("hung", RunState.Unfinished)]);
        (await engine.ListRunsAsync(new RunQuery { State = RunState.Failed })).Single().Error.Should().Contain("boom");
        (await engine.ListRunsAsync(new RunQuery { WorkflowName = "GOOD" })).Single().RunId.Should().Be("ok");
        (await engine.ListRunsAsync(new RunQuery { Since = DateTimeOffset.UtcNow.AddMinutes(1) })).Should().BeEmpty();
        (await engine.ListRunsAsync(new RunQuery { Since = since })).Should().HaveCount(3);
        (await engine.GetSummaryAsync("bad")).Should().BeEquivalentTo((await engine.ListRunsAsync()).Single(r => r.RunId == "bad"), "one run's summary is the listed one");
        var unknown = () => engine.GetSummaryAsync("never");
        (await unknown.Should().ThrowAsync<KeyNotFoundException>()).Which.Message.Should().Contain("never");

        var history = await engine.GetHistoryAsync("ok");
        history.Select(h => h.Event.GetType()).Should().Equal(typeof(WorkflowStarted), typeof(StepStarted), typeof(StepCompleted), typeof(RunCompleted));
        history.Should().OnlyContain(h => h.Timestamp >= since);

        var export = await engine.ExportAsync("bad");
        export["state"]!.ToString().Should().Be("Failed");
        export["definition"]!["definition"]!["name"]!.ToString().Should().Be("broken");
        export["events"]!.AsArray().Select(e => e!["type"]!.ToString()).Should().Contain(["workflow-started.v1", "step-failed.v1", "workflow-failed.v1"]);

        (await engine.PurgeAsync(TimeSpan.FromDays(1))).Purged.Should().BeEmpty("nothing ended a day ago");
        var purge = await engine.PurgeAsync(TimeSpan.Zero);
        purge.Purged.Should().BeEquivalentTo(["ok", "bad"]);
        purge.SkippedLive.Should().ContainSingle().Which.OwnerPid.Should().Be(Environment.ProcessId, "a live run is never purged, and the purge says so");
        (await engine.ListRunsAsync()).Single().RunId.Should().Be("hung", "an unfinished run is never purged");
        var gone = () => engine.GetHistoryAsync("ok");
        await gone.Should().ThrowAsync<KeyNotFoundException>();

        await engine.CancelAsync("hung");
        (await Finished(hung)).Status.Should().Be(RunStatus.Cancelled);
        (await engine.ListRunsAsync()).Single().State.Should().Be(RunState.Cancelled);
    }

    [Fact]
    public async Task An_interrupted_run_that_is_not_active_can_be_cancelled_in_the_journal()
    {
        var tools = new ScriptedTools().Hangs("h");
        var system = NewSystem();
        var engine = DurableEngine(system, tools, runId: "gone");
        await engine.StartAsync(Sequential("slow", Tool("h")));
        await tools.WhenCalled("h").WaitAsync(RunLimit);
        await system.Terminate();

        var engine2 = DurableEngine(NewSystem(), tools);
        (await engine2.ListRunsAsync()).Single().State.Should().Be(RunState.Unfinished);
        await engine2.CancelAsync("gone", "abandoned");
        var run = (await engine2.ListRunsAsync()).Single();
        run.State.Should().Be(RunState.Cancelled);
        run.Error.Should().Be("abandoned");
        (await engine2.ResumeUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task An_in_memory_engine_has_no_run_operations_and_says_how_to_get_them()
    {
        var engine = new LlmSpell.Workflows.Execution.WorkflowEngine(NewSystem(), new LlmSpell.Workflows.Execution.WorkflowServices { Tools = new ScriptedTools(), Agents = new ScriptedAgents() });
        (await engine.Recovery).Should().BeEmpty();
        var list = () => engine.ListRunsAsync();
        (await list.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("Durability");
    }
}
