using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class WaitSignalSpec : EngineSpec
{
    [Fact]
    public async Task A_wait_step_pauses_the_run_until_its_signal_and_the_payload_becomes_its_output()
    {
        Tools.Echo("draft").Echo("publish");
        var run = await Engine.StartAsync(Sequential("wf",
            Tool("draft", parameters: """{"text":"v1"}"""),
            Wait("approval", "approve"),
            Tool("publish", parameters: """{"by":"{{steps.approval.output.by}}","note":"{{steps.approval.output.note}}"}""")));

        var awaited = await NextEvent<SignalAwaited>(run);
        awaited.Signal.Should().Be("approve");
        awaited.Step.Should().Be("approval");
        Tools.Calls("publish").Should().Be(0);
        run.Completion.IsCompleted.Should().BeFalse();

        await Engine.SignalAsync(run.Id, "approve", JsonNode.Parse("""{"by":"Ada","note":"ship it"}"""));
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("approval")!.Output!["by"]!.GetValue<string>().Should().Be("Ada");
        result.Output!["by"]!.GetValue<string>().Should().Be("Ada");
        result.Output!["note"]!.GetValue<string>().Should().Be("ship it");
        var received = (await EventsOf(run)).OfType<SignalReceived>().Single();
        received.Payload!["by"]!.GetValue<string>().Should().Be("Ada");
    }

    [Fact]
    public async Task A_wait_that_times_out_with_a_default_continues_with_the_default_as_output()
    {
        Tools.Echo("after");
        var wf = Sequential("wf",
            Wait("approval", "approve", TimeSpan.FromMilliseconds(50), JsonNode.Parse("""{"by":"nobody"}""")),
            Tool("after", parameters: """{"by":"{{steps.approval.output.by}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("approval")!.Status.Should().Be(StepStatus.Completed);
        result.Output!["by"]!.GetValue<string>().Should().Be("nobody");
    }

    [Fact]
    public async Task A_wait_that_times_out_without_a_default_fails_naming_the_step()
    {
        Tools.Echo("after");
        var result = await Run(Sequential("wf", Wait("approval", "approve", TimeSpan.FromMilliseconds(50)), Tool("after")));

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("approval")!.Error.Should().Contain("step 'approval'").And.Contain("50 ms");
        result.Step("approval")!.Attempts.Should().Be(1);
        Tools.Calls("after").Should().Be(0);
    }

    [Fact]
    public async Task A_step_level_timeout_on_a_wait_step_is_reported_with_its_limit()
    {
        var wait = Wait("approval", "approve") with { Timeout = TimeSpan.FromMilliseconds(60) };

        var result = await Run(Sequential("wf", wait));

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("approval")!.Error.Should().Contain("step 'approval' timed out after 60 ms");
    }

    [Fact]
    public async Task A_signal_the_run_is_not_waiting_for_is_refused_listing_what_it_waits_for()
    {
        var run = await Engine.StartAsync(Sequential("wf", Wait("approval", "approve")));
        await NextEvent<SignalAwaited>(run);

        var wrong = () => Engine.SignalAsync(run.Id, "reject");

        (await wrong.Should().ThrowAsync<InvalidOperationException>()).Which.Message
            .Should().Contain("'reject'").And.Contain("approve");
        run.Completion.IsCompleted.Should().BeFalse("a refused signal leaves the run waiting");
        await Engine.SignalAsync(run.Id, "approve", JsonValue.Create("yes"));
        (await Finished(run)).Output!.GetValue<string>().Should().Be("yes");
    }

    [Fact]
    public async Task A_signal_before_the_run_waits_is_refused_saying_it_waits_for_nothing()
    {
        var gate = new TaskCompletionSource();
        Tools.WaitsFor("busy", gate.Task);
        var run = await Engine.StartAsync(Sequential("wf", Tool("busy"), Wait("approval", "approve")));
        await Tools.WhenCalled("busy").WaitAsync(RunLimit);

        var early = () => Engine.SignalAsync(run.Id, "approve");

        (await early.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("no signal");
        await run.CancelAsync();
    }

    [Fact]
    public async Task Waits_in_parallel_branches_are_signalled_independently()
    {
        var run = await Engine.StartAsync(Parallel("wf", Branch("left", Wait("l", "left-ok")), Branch("right", Wait("r", "right-ok"))));
        await NextEvent<SignalAwaited>(run, e => e.Signal == "left-ok");
        await NextEvent<SignalAwaited>(run, e => e.Signal == "right-ok");

        await Engine.SignalAsync(run.Id, "right-ok", JsonValue.Create("R"));
        await Engine.SignalAsync(run.Id, "left-ok", JsonValue.Create("L"));
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        result.Output!["left"]!.GetValue<string>().Should().Be("L");
        result.Output!["right"]!.GetValue<string>().Should().Be("R");
    }

    [Fact]
    public async Task A_wait_inside_a_loop_waits_again_in_every_iteration()
    {
        var run = await Engine.StartAsync(Loop("wf", Range(0, 2), Wait("ack", "next")));

        for (var i = 0; i < 2; i++)
        {
            var index = i;
            await NextEvent<SignalAwaited>(run, e => e.Key == $"[{index}]/ack");
            await Engine.SignalAsync(run.Id, "next", JsonValue.Create($"ack {index}"));
        }
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        result.Output!.ToJsonString().Should().Be("""["ack 0","ack 1"]""");
    }

    [Fact]
    public async Task A_cancelled_run_stops_waiting_and_refuses_later_signals()
    {
        var run = await Engine.StartAsync(Sequential("wf", Wait("approval", "approve")));
        await NextEvent<SignalAwaited>(run);

        await run.CancelAsync("no longer needed");
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Cancelled);
        var late = () => Engine.SignalAsync(run.Id, "approve");
        // Either the run is gone already, or it is still stopping and waits for nothing any more.
        (await late.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e =>
            e is KeyNotFoundException || (e is InvalidOperationException && e.Message.Contains("no signal")));
    }

    [Fact]
    public async Task The_run_timeout_also_ends_a_wait_without_a_timeout_of_its_own()
    {
        var wf = Sequential("wf", Wait("approval", "approve")) with { Config = WorkflowConfig.Default with { Timeout = TimeSpan.FromMilliseconds(100) } };

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.TimedOut);
    }
}
