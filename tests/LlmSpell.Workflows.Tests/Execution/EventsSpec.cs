using System.Text.Json.Nodes;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class EventsSpec : EngineSpec
{
    [Fact]
    public async Task Events_arrive_in_causal_order_for_each_coordinator()
    {
        Tools.Echo("a1").Echo("a2").Echo("b1").Echo("b2").Echo("last");
        var wf = Sequential("wf",
            Nested("fan", Parallel("fan", Branch("a", Tool("a1"), Tool("a2")), Branch("b", Tool("b1"), Tool("b2")))),
            Tool("last"));

        var run = await Engine.StartAsync(wf);
        var events = await EventsOf(run);

        events[0].Should().BeOfType<RunStarted>();
        events[^1].Should().BeOfType<RunCompleted>().Which.Status.Should().Be(RunStatus.Completed);
        Steps(events, "fan/a").Should().Equal("started a1", "completed a1", "started a2", "completed a2");
        Steps(events, "fan/b").Should().Equal("started b1", "completed b1", "started b2", "completed b2");
        Steps(events, "").Should().Equal("started fan", "completed fan", "started last", "completed last");
        // The nested step spans everything its workflow emitted.
        var fanStarted = IndexOf(events, e => e is StepStarted { Step: "fan" });
        var fanCompleted = IndexOf(events, e => e is StepCompleted { Step: "fan" });
        events.Select((e, i) => (e, i)).Where(x => x.e.Path.StartsWith("fan/", StringComparison.Ordinal))
            .Should().OnlyContain(x => x.i > fanStarted && x.i < fanCompleted);
        events.Should().OnlyContain(e => e.RunId == run.Id);
    }

    [Fact]
    public async Task Events_are_also_published_on_the_actor_system_event_stream()
    {
        var probe = EventProbe<WorkflowEvent>();
        Tools.Echo("a").Fails("b");
        var run = await Engine.StartAsync(Sequential("wf", Tool("a"), Tool("b", onError: LlmSpell.Workflows.Definitions.ErrorStrategy.Continue)));
        var events = await EventsOf(run);

        var published = probe.ReceiveN(events.Count);

        published.Should().Equal(events);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Every_watcher_sees_every_event_from_the_start_whenever_it_starts_watching()
    {
        var gate = new TaskCompletionSource();
        Tools.Echo("first").WaitsFor("hold", gate.Task).Echo("last");
        var run = await Engine.StartAsync(Sequential("wf", Tool("first"), Tool("hold"), Tool("last")));
        await Tools.WhenCalled("hold").WaitAsync(RunLimit);

        var watcher1 = EventsOf(run);
        var watcher2 = EventsOf(run);
        gate.SetResult();
        var seen1 = await watcher1;
        var seen2 = await watcher2;
        var seenAfterTheEnd = await EventsOf(run);

        seen1[0].Should().BeOfType<RunStarted>();
        seen1.Should().HaveCount(8, "run started, 3 × (step started, step completed), run completed");
        seen2.Should().Equal(seen1);
        seenAfterTheEnd.Should().Equal(seen1);
    }

    [Fact]
    public async Task Watchers_of_one_run_never_see_another_runs_events()
    {
        Tools.Echo("a");
        var first = await Engine.StartAsync(Sequential("one", Tool("a")));
        var second = await Engine.StartAsync(Sequential("two", Tool("a")));

        var firstEvents = await EventsOf(first);
        var secondEvents = await EventsOf(second);

        firstEvents.Should().OnlyContain(e => e.RunId == first.Id);
        secondEvents.Should().OnlyContain(e => e.RunId == second.Id);
        first.Id.Should().NotBe(second.Id);
    }

    [Fact]
    public async Task Step_progress_events_stream_an_agents_text_as_it_arrives()
    {
        Agents.Streams("write", "Once ", "upon ", "a time");
        var probe = EventProbe<StepProgress>();
        var run = await Engine.StartAsync(Sequential("wf", Agent("write", "Tell a story")));
        var events = await EventsOf(run);
        var result = await Finished(run);

        var progress = events.OfType<StepProgress>().ToArray();
        progress.Select(p => p.Text).Should().Equal("Once ", "upon ", "a time");
        progress.Should().OnlyContain(p => p.Step == "write" && p.Key == "write" && p.RunId == run.Id);
        var started = IndexOf(events, e => e is StepStarted { Step: "write" });
        var completed = IndexOf(events, e => e is StepCompleted { Step: "write" });
        events.Select((e, i) => (e, i)).Where(x => x.e is StepProgress).Should().OnlyContain(x => x.i > started && x.i < completed);
        result.Output!.GetValue<string>().Should().Be("Once upon a time");
        probe.ReceiveN(3).Cast<StepProgress>().Select(p => p.Text).Should().Equal("Once ", "upon ", "a time");
    }

    [Fact]
    public async Task Skips_failures_and_the_final_event_tell_how_the_run_ended()
    {
        Tools.Fails("bad", "broken").Echo("never");
        var run = await Engine.StartAsync(Sequential("wf", Tool("bad"), Tool("never")));
        var events = await EventsOf(run);

        events.OfType<StepFailed>().Single().Error.Should().Be("broken");
        events.OfType<StepSkipped>().Single().Step.Should().Be("never");
        events[^1].Should().BeOfType<RunFailed>().Which.Error.Should().Contain("broken");
    }

    [Fact]
    public async Task The_run_started_event_carries_the_workflow_name_and_input()
    {
        Tools.Echo("a");
        var run = await Engine.StartAsync(Sequential("named", Tool("a")), JsonNode.Parse("""{"q":1}"""));

        var started = (await EventsOf(run))[0].Should().BeOfType<RunStarted>().Subject;

        started.WorkflowName.Should().Be("named");
        started.Input!["q"]!.GetValue<int>().Should().Be(1);
    }

    /// <summary>The step events emitted at <paramref name="path"/>, as "started x" / "completed x".</summary>
    private static IEnumerable<string> Steps(IEnumerable<WorkflowEvent> events, string path) => events
        .Where(e => e.Path == path)
        .Select(e => e switch
        {
            StepStarted s => $"started {s.Step}",
            StepCompleted c => $"completed {c.Step}",
            _ => null,
        })
        .OfType<string>();

    private static int IndexOf(IReadOnlyList<WorkflowEvent> events, Func<WorkflowEvent, bool> match) =>
        events.Select((e, i) => (e, i)).First(x => match(x.e)).i;
}
