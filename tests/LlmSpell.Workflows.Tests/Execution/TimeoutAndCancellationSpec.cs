using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class TimeoutAndCancellationSpec : EngineSpec
{
    [Fact]
    public async Task A_step_timeout_interrupts_the_running_call_and_names_the_step_and_the_limit()
    {
        Tools.Hangs("slow").Echo("next");
        var result = await Run(Sequential("wf", Tool("slow", timeout: TimeSpan.FromMilliseconds(100)), Tool("next")));

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("slow")!.Error.Should().Contain("step 'slow'").And.Contain("100 ms");
        result.Error.Should().Contain("step 'slow'").And.Contain("timed out after 100 ms");
        result.Step("next")!.Status.Should().Be(StepStatus.Skipped);
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task The_workflow_step_timeout_applies_to_steps_without_their_own()
    {
        Tools.Hangs("slow");
        var wf = Sequential("wf", Tool("slow")) with { Config = WorkflowConfig.Default with { StepTimeout = TimeSpan.FromMilliseconds(80) } };

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("slow")!.Error.Should().Contain("step 'slow' timed out after 80 ms");
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task The_run_timeout_ends_the_run_as_timed_out_and_cancels_calls_in_flight()
    {
        Tools.Hangs("slow").Echo("never");
        var wf = Sequential("wf", Tool("slow"), Tool("never")) with { Config = WorkflowConfig.Default with { Timeout = TimeSpan.FromMilliseconds(150) } };

        var run = await Engine.StartAsync(wf);
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.TimedOut);
        result.Error.Should().Contain("'wf'").And.Contain("150 ms");
        result.Step("slow")!.Status.Should().Be(StepStatus.Cancelled);
        Tools.Calls("never").Should().Be(0);
        events[^1].Should().BeOfType<RunTimedOut>().Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task Cancelling_through_the_run_handle_cancels_the_run_and_its_calls()
    {
        Tools.Hangs("slow").Echo("never");
        var run = await Engine.StartAsync(Sequential("wf", Tool("slow"), Tool("never")));
        await Tools.WhenCalled("slow").WaitAsync(RunLimit);

        await run.CancelAsync("user pressed stop");
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Cancelled);
        result.Error.Should().Be("user pressed stop");
        result.Step("slow")!.Status.Should().Be(StepStatus.Cancelled);
        Tools.Calls("never").Should().Be(0);
        (await EventsOf(run))[^1].Should().BeOfType<RunCancelled>().Which.Reason.Should().Be("user pressed stop");
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task Cancelling_through_the_engine_by_run_id_cancels_the_run_and_its_calls()
    {
        Tools.Hangs("slow");
        var run = await Engine.StartAsync(Sequential("wf", Tool("slow")));
        await Tools.WhenCalled("slow").WaitAsync(RunLimit);

        await Engine.CancelAsync(run.Id, "shutting down");
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Cancelled);
        result.Error.Should().Be("shutting down");
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task Cancelling_reaches_calls_in_nested_workflows_and_parallel_branches()
    {
        Tools.Hangs("deep").Hangs("branch");
        var wf = Sequential("wf",
            Nested("sub", Parallel("sub",
                Branch("a", Nested("inner", Sequential("inner", Tool("deep")))),
                Branch("b", Tool("branch")))));
        var run = await Engine.StartAsync(wf);
        await Task.WhenAll(Tools.WhenCalled("deep"), Tools.WhenCalled("branch")).WaitAsync(RunLimit);

        await run.CancelAsync();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Cancelled);
        // Every step that was in flight is in the result, however deep it sat.
        result.Steps.Where(s => s.Status == StepStatus.Cancelled).Select(s => s.Key)
            .Should().BeEquivalentTo(["sub", "sub/a/inner", "sub/a/inner/deep", "sub/b/branch"]);
        await AwaitAssertAsync(() =>
        {
            Tools.CancellationObserved("deep").Should().BeTrue();
            Tools.CancellationObserved("branch").Should().BeTrue();
        });
    }

    [Fact]
    public async Task Cancelling_during_a_retry_backoff_ends_the_run_without_another_attempt()
    {
        Tools.Fails("down");
        var wf = Sequential("wf", Tool("down", retry: new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(30) }));
        var run = await Engine.StartAsync(wf);
        await NextEvent<StepRetrying>(run);

        await run.CancelAsync();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Cancelled);
        Tools.Calls("down").Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_with_a_cancelled_token_cancels_before_anything_runs()
    {
        Tools.Echo("a");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var act = () => Engine.RunAsync(Sequential("wf", Tool("a")), cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        Tools.Calls("a").Should().Be(0);
    }

    [Fact]
    public async Task Cancelling_the_token_of_RunAsync_cancels_the_run_and_its_calls()
    {
        Tools.Hangs("slow");
        using var cts = new CancellationTokenSource();
        var running = Engine.RunAsync(Sequential("wf", Tool("slow")), cancellationToken: cts.Token);
        await Tools.WhenCalled("slow").WaitAsync(RunLimit);

        await cts.CancelAsync();
        var result = await running.WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Cancelled);
        result.Error.Should().Contain("caller cancelled");
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Fact]
    public async Task Cancelling_or_signalling_an_unknown_run_is_a_clear_error()
    {
        var cancel = () => Engine.CancelAsync("no-such-run");
        var signal = () => Engine.SignalAsync("no-such-run", "approve");

        (await cancel.Should().ThrowAsync<KeyNotFoundException>()).Which.Message.Should().Contain("'no-such-run'");
        (await signal.Should().ThrowAsync<KeyNotFoundException>()).Which.Message.Should().Contain("'no-such-run'");
    }

    [Fact]
    public async Task Cancelling_a_finished_run_through_its_handle_changes_nothing()
    {
        Tools.Echo("a");
        var run = await Engine.StartAsync(Sequential("wf", Tool("a")));
        var result = await Finished(run);

        await run.CancelAsync();

        result.Status.Should().Be(RunStatus.Completed);
        (await Finished(run)).Status.Should().Be(RunStatus.Completed);
    }
}
