using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>
/// A step's start waits briefly to share the commit of the step's completion, but never for the step itself: a step that runs on
/// is shown started, in the journal and to subscribers, while it runs.
/// </summary>
public sealed class LingeringEventsSpec : DurableSpec
{
    [Fact]
    public async Task A_step_that_runs_on_has_its_start_journaled_and_published_while_it_runs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tools = new ScriptedTools().WaitsFor("slow", release.Task, "done");
        var engine = DurableEngine(NewSystem(), tools);
        var run = await engine.StartAsync(Sequential("linger", Tool("slow")));

        await using (var events = run.Events.GetAsyncEnumerator())
        {
            using var limit = new CancellationTokenSource(RunLimit);
            while (await events.MoveNextAsync().AsTask().WaitAsync(limit.Token))
                if (events.Current is StepStarted { Step: "slow" }) break;
            events.Current.Should().BeOfType<StepStarted>("the start is published while the step still runs");
            var history = await engine.GetHistoryAsync(run.Id);
            history.Select(h => h.Event).OfType<StepStarted>().Should().ContainSingle(s => s.Step == "slow");
            tools.Calls("slow").Should().Be(1);
            run.Completion.IsCompleted.Should().BeFalse();
        }

        release.SetResult();
        (await Finished(run)).Status.Should().Be(RunStatus.Completed);
    }
}
