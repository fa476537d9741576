using System.Text.Json.Nodes;
using System.Diagnostics;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class RetrySpec : EngineSpec
{
    private static readonly RetryPolicy Backoff = new()
    {
        MaxAttempts = 3,
        InitialBackoff = TimeSpan.FromMilliseconds(40),
        Multiplier = 2.0,
        Jitter = 0.1,
        MaxBackoff = TimeSpan.FromSeconds(1),
    };

    // Timers run on a millisecond tick; a timer may fire up to a tick before the stopwatch says it is due.
    // .NET timers schedule on Environment.TickCount64, which on Linux is the coarse monotonic clock (one jiffy,
    // up to 4 ms): measured with Stopwatch, a timer may fire that much early. Lower bounds allow for it.
    private static readonly TimeSpan TimerTick = TimeSpan.FromMilliseconds(8);

    [Fact]
    public async Task A_failing_step_is_retried_with_growing_backoff_until_it_succeeds()
    {
        Tools.FailsThenSucceeds("flaky", 2, "503 from upstream");
        var run = await Engine.StartAsync(Sequential("wf", Tool("flaky", retry: Backoff)));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("flaky")!.Attempts.Should().Be(3);
        Tools.Calls("flaky").Should().Be(3);

        var retrying = events.OfType<StepRetrying>().ToArray();
        retrying.Select(r => r.NextAttempt).Should().Equal(2, 3);
        retrying.Should().OnlyContain(r => r.Step == "flaky" && r.Error.Contains("503 from upstream"));
        retrying[0].Delay.Should().BeGreaterThanOrEqualTo(Backoff.InitialBackoff * (1 - Backoff.Jitter));
        retrying[1].Delay.Should().BeGreaterThan(retrying[0].Delay, "the backoff grows by the multiplier");
        events.OfType<StepStarted>().Select(s => s.Attempt).Should().Equal(1, 2, 3);

        var gaps = Gaps(Tools.CallTimestamps("flaky"));
        gaps[0].Should().BeGreaterThanOrEqualTo(Backoff.InitialBackoff * (1 - Backoff.Jitter) - TimerTick);
        gaps[1].Should().BeGreaterThanOrEqualTo(Backoff.InitialBackoff * Backoff.Multiplier * (1 - Backoff.Jitter) - TimerTick);
        for (var i = 0; i < gaps.Length; i++) gaps[i].Should().BeGreaterThanOrEqualTo(retrying[i].Delay - TimerTick);
    }

    [Fact]
    public async Task Exhausted_retries_fail_the_step_with_attempts_equal_to_the_maximum()
    {
        Tools.Fails("down", "connection refused");
        var run = await Engine.StartAsync(Sequential("wf", Tool("down", retry: Backoff with { InitialBackoff = TimeSpan.FromMilliseconds(5) })));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("step 'down' failed").And.Contain("connection refused");
        result.Step("down")!.Attempts.Should().Be(3);
        result.Step("down")!.Status.Should().Be(StepStatus.Failed);
        Tools.Calls("down").Should().Be(3);
        events.OfType<StepRetrying>().Should().HaveCount(2);
        events.OfType<StepFailed>().Single().Attempts.Should().Be(3);
    }

    [Fact]
    public async Task The_retry_strategy_without_a_policy_uses_the_default_of_three_attempts()
    {
        Tools.Fails("down");
        var wf = Sequential("wf", Tool("down", onError: ErrorStrategy.Retry));

        var result = await Run(wf);

        RetryPolicy.DefaultRetry.MaxAttempts.Should().Be(3);
        result.Status.Should().Be(RunStatus.Failed);
        result.Step("down")!.Attempts.Should().Be(3);
        Tools.Calls("down").Should().Be(3);
    }

    [Fact]
    public async Task The_retry_strategy_of_the_workflow_applies_to_steps_without_their_own()
    {
        Tools.FailsThenSucceeds("flaky", 1);
        var wf = Sequential("wf", Tool("flaky")) with { Config = WorkflowConfig.Default with { ErrorStrategy = ErrorStrategy.Retry } };

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("flaky")!.Attempts.Should().Be(2);
    }

    [Fact]
    public async Task A_step_policy_wins_over_the_workflow_policy()
    {
        Tools.Fails("down");
        var wf = Sequential("wf", Tool("down", retry: RetryPolicy.None)) with
        {
            Config = WorkflowConfig.Default with { Retry = Backoff with { MaxAttempts = 5 } },
        };

        var result = await Run(wf);

        result.Step("down")!.Attempts.Should().Be(1);
        Tools.Calls("down").Should().Be(1);
    }

    [Fact]
    public async Task A_reference_that_does_not_resolve_is_not_retried()
    {
        // Valid when the run starts (the step exists), unresolvable at run time (its output has no such property).
        Tools.Returns("first", _ => JsonNode.Parse("""{"x":1}""")).Echo("use");
        var run = await Engine.StartAsync(Sequential("wf", Tool("first"), Tool("use", parameters: """{"v":"{{steps.first.output.missing}}"}""", retry: Backoff)));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("use")!.Attempts.Should().Be(1);
        result.Step("use")!.Error.Should().Contain("{{steps.first.output.missing}}");
        events.OfType<StepRetrying>().Should().BeEmpty();
        Tools.Calls("use").Should().Be(0);
    }

    [Fact]
    public async Task A_malformed_reference_is_rejected_before_the_run_starts_saying_what_is_wrong()
    {
        Tools.Echo("use");
        Agents.Answer("ask", "unused");

        var rejected = await Rejected(Sequential("wf",
            Tool("use", parameters: """{"v":"{{input..name}}"}""", retry: Backoff, onError: ErrorStrategy.Continue),
            Agent("ask", "Hello {{ user name }}") with { Retry = Backoff }));

        rejected.Errors.Should().HaveCount(2);
        rejected.Message.Should().Contain("input..name").And.Contain("user name");
        Tools.Calls("use").Should().Be(0);
        Agents.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_tool_gone_from_the_registry_when_its_step_starts_is_not_retried()
    {
        Tools.Echo("fleeting");
        var engine = new WorkflowEngine(Sys, new WorkflowServices { Agents = Agents, Tools = new VanishingRegistry(Tools) }, runsActorName: "vanishing-tools");

        var result = await engine.RunAsync(Sequential("wf", Tool("x", tool: "fleeting", retry: Backoff))).WaitAsync(RunLimit);

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("x")!.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        var calls = 0;
        Tools.Add("sometimes-slow", async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1) await Task.Delay(Timeout.Infinite, ct);
            return System.Text.Json.Nodes.JsonValue.Create("second time lucky");
        });

        var result = await Run(Sequential("wf", Tool("sometimes-slow", retry: Backoff, timeout: TimeSpan.FromMilliseconds(250))));

        result.Status.Should().Be(RunStatus.Completed);
        result.Step("sometimes-slow")!.Attempts.Should().Be(2);
        result.Output!.GetValue<string>().Should().Be("second time lucky");
    }

    [Fact]
    public async Task Retries_inside_loop_iterations_and_branches_are_counted_per_iteration()
    {
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        // Every (iteration item) fails its first call once.
        Tools.Add("once", (p, _) => failed.TryAdd(p["i"]!.ToJsonString(), true)
            ? Task.FromException<System.Text.Json.Nodes.JsonNode?>(new InvalidOperationException("first call fails"))
            : Task.FromResult<System.Text.Json.Nodes.JsonNode?>(p["i"]!.DeepClone()));
        var wf = Loop("each", Range(0, 3), Tool("once", parameters: """{"i":"{{loop.item}}"}""", retry: Backoff with { InitialBackoff = TimeSpan.FromMilliseconds(5) }));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        result.Steps.Should().HaveCount(3).And.OnlyContain(s => s.Attempts == 2);
        result.Output!.AsArray().Select(n => n!.GetValue<long>()).Should().Equal(0, 1, 2);
    }

    private static TimeSpan[] Gaps(IReadOnlyList<long> timestamps) =>
        timestamps.Zip(timestamps.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).ToArray();

    /// <summary>Has its tools when the run is validated, none after: a registry changed under a running workflow.</summary>
    private sealed class VanishingRegistry(IToolRegistry inner) : IToolRegistry
    {
        private int _lookups;

        public ITool? Find(string name) => Interlocked.Increment(ref _lookups) > 1 ? null : inner.Find(name);

        public IReadOnlyCollection<ITool> All => inner.All;
    }
}
