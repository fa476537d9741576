using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class ParallelPatternSpec : EngineSpec
{
    private static readonly WorkflowConfig NoFailFast = WorkflowConfig.Default with { FailFast = false };

    [Fact]
    public async Task Branches_run_concurrently_but_never_more_than_max_concurrency()
    {
        var gate = new TaskCompletionSource();
        foreach (var name in new[] { "w1", "w2", "w3", "w4", "w5" }) Tools.WaitsFor(name, gate.Task);
        var started = EventProbe<StepStarted>();
        var wf = Parallel("fan-out", WorkflowConfig.Default with { MaxConcurrency = 2 },
            Branch("b1", Tool("w1")), Branch("b2", Tool("w2")), Branch("b3", Tool("w3")), Branch("b4", Tool("w4")), Branch("b5", Tool("w5")));

        var run = await Engine.StartAsync(wf);
        await AwaitConditionAsync(() => Tools.InFlight == 2);
        await started.ExpectMsgAsync<StepStarted>();
        await started.ExpectMsgAsync<StepStarted>();
        // Two slots, both held by gated calls: no third branch may start until one finishes.
        await started.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
        gate.SetResult();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.MaxInFlight.Should().Be(2);
        Tools.CallOrder.Should().BeEquivalentTo(["w1", "w2", "w3", "w4", "w5"]);
    }

    [Fact]
    public async Task A_max_concurrency_below_one_is_rejected_before_the_run()
    {
        Tools.Echo("a").Echo("b");
        var wf = Parallel("wf", WorkflowConfig.Default with { MaxConcurrency = 0, Timeout = TimeSpan.FromSeconds(5) },
            Branch("one", Tool("a")), Branch("two", Tool("b")));

        var rejected = await Rejected(wf);

        rejected.Message.Should().Contain("max_concurrency must be at least 1");
        Tools.CallOrder.Should().BeEmpty();
    }

    [Fact]
    public async Task A_fast_branch_is_not_held_back_by_a_slow_sibling()
    {
        var gate = new TaskCompletionSource();
        Tools.WaitsFor("slow", gate.Task).Echo("fast");
        var run = await Engine.StartAsync(Parallel("race", Branch("slow-branch", Tool("slow")), Branch("fast-branch", Tool("fast"))));

        var fastDone = await NextEvent<StepCompleted>(run, e => e.Step == "fast");

        fastDone.Path.Should().Be("fast-branch");
        run.Completion.IsCompleted.Should().BeFalse("the slow call cannot finish before its gate opens");
        gate.SetResult();
        var result = await Finished(run);
        result.Status.Should().Be(RunStatus.Completed);
        result.Steps.Select(s => s.Name).Should().Equal("fast", "slow");
    }

    [Fact]
    public async Task Fail_fast_cancels_the_branches_still_running()
    {
        Tools.Hangs("b2").FailsAfter("b1", Tools.WhenCalled("b2"), "disk full");
        var result = await Run(Parallel("wf", Branch("one", Tool("b1")), Branch("two", Tool("b2"))));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("branch 'one'").And.Contain("disk full");
        result.Step("b1")!.Status.Should().Be(StepStatus.Failed);
        result.Step("b2")!.Status.Should().Be(StepStatus.Cancelled, "a branch cancelled by fail-fast still reports its step");
        await AwaitAssertAsync(() => Tools.CancellationObserved("b2").Should().BeTrue());
    }

    [Fact]
    public async Task Without_fail_fast_the_other_branches_complete_and_a_failed_required_branch_fails_the_run()
    {
        var gate = new TaskCompletionSource();
        Tools.Fails("b1", "disk full").WaitsFor("b2", gate.Task);
        var run = await Engine.StartAsync(Parallel("wf", NoFailFast, Branch("one", Tool("b1")), Branch("two", Tool("b2"))));

        await NextEvent<StepFailed>(run, e => e.Step == "b1");
        gate.SetResult();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("branch 'one'").And.Contain("disk full");
        result.Step("b2")!.Status.Should().Be(StepStatus.Completed);
        result.Output!["two"]!.GetValue<string>().Should().Be("b2");
        Tools.CancellationObserved("b2").Should().BeFalse();
    }

    [Fact]
    public async Task A_failed_optional_branch_leaves_the_run_completed_with_continue_on_optional_failure()
    {
        Tools.Fails("opt").Echo("req");
        var result = await Run(Parallel("wf", Optional(Branch("extra", Tool("opt"))), Branch("main", Tool("req"))));

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("opt")!.Status.Should().Be(StepStatus.Failed);
        result.Step("req")!.Status.Should().Be(StepStatus.Completed);
    }

    [Fact]
    public async Task A_failed_optional_branch_makes_the_run_partially_completed_without_continue_on_optional_failure()
    {
        Tools.Fails("opt").Echo("req");
        var config = WorkflowConfig.Default with { ContinueOnOptionalFailure = false };
        var result = await Run(Parallel("wf", config, Optional(Branch("extra", Tool("opt"))), Branch("main", Tool("req"))));

        result.Status.Should().Be(RunStatus.PartiallyCompleted);
        result.Step("req")!.Status.Should().Be(StepStatus.Completed);
    }

    [Fact]
    public async Task A_failed_optional_branch_does_not_cancel_its_siblings_under_fail_fast()
    {
        var gate = new TaskCompletionSource();
        Tools.Fails("opt").WaitsFor("req", gate.Task);
        var run = await Engine.StartAsync(Parallel("wf", Optional(Branch("extra", Tool("opt"))), Branch("main", Tool("req"))));

        await NextEvent<StepFailed>(run, e => e.Step == "opt");
        gate.SetResult();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CancellationObserved("req").Should().BeFalse();
    }

    [Fact]
    public async Task A_branch_over_its_own_timeout_is_cancelled_and_fails_the_run()
    {
        var gate = new TaskCompletionSource();
        Tools.Hangs("slow").WaitsFor("other", gate.Task);
        var wf = Parallel("wf", NoFailFast,
            Branch("slow-branch", Tool("slow")) with { Timeout = TimeSpan.FromMilliseconds(100) },
            Branch("other-branch", Tool("other")));

        var run = await Engine.StartAsync(wf);
        await AwaitConditionAsync(() => Tools.CancellationObserved("slow"));
        gate.SetResult();
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("slow-branch").And.Contain("timed out").And.Contain("100 ms");
        result.Output!["other-branch"]!.GetValue<string>().Should().Be("other", "the other branch ran on after its sibling timed out");
    }

    [Fact]
    public async Task The_whole_pattern_over_its_timeout_times_out_and_cancels_every_branch()
    {
        Tools.Hangs("a").Hangs("b");
        var wf = Parallel("wf", WorkflowConfig.Default with { Timeout = TimeSpan.FromMilliseconds(150) },
            Branch("left", Tool("a")), Branch("right", Tool("b")));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.TimedOut);
        result.Error.Should().Contain("150 ms");
        await AwaitAssertAsync(() =>
        {
            Tools.CancellationObserved("a").Should().BeTrue();
            Tools.CancellationObserved("b").Should().BeTrue();
        });
    }

    [Fact]
    public async Task The_output_has_one_entry_per_branch_keyed_by_branch_name()
    {
        Tools.Returns("fetch", _ => JsonNode.Parse("""{"n":1}""")).Echo("shape").Returns("other", _ => JsonValue.Create("o"));
        var wf = Parallel("wf",
            Branch("first", Tool("fetch"), Tool("shape", parameters: """{"got":"{{steps.fetch.output.n}}","me":"{{branch.name}}"}""")),
            Branch("second", Tool("other")));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        var output = result.Output!.AsObject();
        output.Select(p => p.Key).Should().BeEquivalentTo(["first", "second"]);
        output["first"]!["got"]!.GetValue<int>().Should().Be(1, "a branch's output is its last step's");
        output["first"]!["me"]!.GetValue<string>().Should().Be("first");
        output["second"]!.GetValue<string>().Should().Be("o");
        result.Step("shape")!.Key.Should().Be("first/shape");
    }

    [Fact]
    public async Task Steps_without_branches_run_as_one_branch_per_step()
    {
        // Each tool waits for the other to have started: only concurrent branches can finish.
        Tools.WaitsFor("a", Tools.WhenCalled("b"), JsonValue.Create("A")).WaitsFor("b", Tools.WhenCalled("a"), JsonValue.Create("B"));
        var wf = new WorkflowDefinition
        {
            Name = "wf",
            Type = WorkflowType.Parallel,
            Steps = [Tool("a"), Tool("b")],
            Config = WorkflowConfig.Default with { Timeout = TimeSpan.FromSeconds(5) },
        };

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        result.Output!["a"]!.GetValue<string>().Should().Be("A");
        result.Output!["b"]!.GetValue<string>().Should().Be("B");
    }

    [Fact]
    public async Task Later_steps_see_every_branch_step_output()
    {
        Tools.Returns("x", _ => JsonValue.Create(1)).Returns("y", _ => JsonValue.Create(2)).Echo("sum");
        var wf = Sequential("outer",
            Nested("both", Parallel("p", Branch("bx", Tool("x")), Branch("by", Tool("y")))),
            Tool("sum", parameters: """{"x":"{{steps.x.output}}","y":"{{steps.y.output}}","all":"{{steps.both.output}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        result.Output!["x"]!.GetValue<int>().Should().Be(1);
        result.Output!["y"]!.GetValue<int>().Should().Be(2);
        result.Output!["all"]!["by"]!.GetValue<int>().Should().Be(2);
    }
}
