using System.Diagnostics;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Testing;

/// <summary>The TestKit's own behaviour: expectations fail when they should, and only then.</summary>
public sealed class TestKitSpec : TestKit
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    // ---- ExpectMsg ------------------------------------------------------------------------

    [Fact]
    public void ExpectMsg_returns_the_message_that_arrived()
    {
        TestActor.Tell("hello");

        ExpectMsg<string>().Should().Be("hello");
    }

    [Fact]
    public void ExpectMsg_fails_with_TestKitAssertionException_when_nothing_arrives_in_time()
    {
        var watch = Stopwatch.StartNew();

        var act = () => ExpectMsg<string>(Ms(100));

        act.Should().Throw<TestKitAssertionException>().WithMessage("Timeout*String*");
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(Ms(90)).And.BeLessThan(Dilated(Ms(2000)));
    }

    [Fact]
    public async Task ExpectMsgAsync_fails_with_TestKitAssertionException_when_nothing_arrives_in_time()
    {
        var act = () => ExpectMsgAsync<string>(Ms(100));

        await act.Should().ThrowAsync<TestKitAssertionException>().WithMessage("Timeout*String*");
    }

    [Fact]
    public void ExpectMsg_fails_on_a_message_of_another_type_naming_both_types()
    {
        TestActor.Tell(42);

        var act = () => ExpectMsg<string>();

        act.Should().Throw<TestKitAssertionException>().Which.Message.Should().Contain("String").And.Contain("Int32").And.Contain("42");
    }

    [Fact]
    public void ExpectMsg_of_a_value_fails_on_another_value()
    {
        TestActor.Tell("actual");

        var act = () => ExpectMsg("expected");

        act.Should().Throw<TestKitAssertionException>().Which.Message.Should().Contain("expected").And.Contain("actual");
    }

    [Fact]
    public async Task ExpectMsg_with_a_predicate_fails_when_the_message_does_not_satisfy_it()
    {
        TestActor.Tell(3);
        TestActor.Tell(4);

        (await ExpectMsgAsync<int>(i => i % 2 == 1)).Should().Be(3);
        var act = () => ExpectMsgAsync<int>(i => i % 2 == 1, hint: "odd");
        await act.Should().ThrowAsync<TestKitAssertionException>().WithMessage("*4*odd*");
    }

    // ---- ExpectNoMsg ----------------------------------------------------------------------

    [Fact]
    public void ExpectNoMsg_passes_after_the_duration_when_nothing_arrives()
    {
        var watch = Stopwatch.StartNew();

        ExpectNoMsg(Ms(100));

        watch.Elapsed.Should().BeGreaterThanOrEqualTo(Ms(90));
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        Sys.Scheduler.ScheduleTellOnce(Ms(30), TestActor, "surprise", ActorRefs.NoSender);

        var act = () => ExpectNoMsg(Ms(500));

        act.Should().Throw<TestKitAssertionException>().WithMessage("*surprise*");
    }

    [Fact]
    public async Task ExpectNoMsgAsync_fails_when_a_message_arrives()
    {
        TestActor.Tell("surprise");

        var act = () => ExpectNoMsgAsync(Ms(100));

        await act.Should().ThrowAsync<TestKitAssertionException>().WithMessage("*surprise*");
    }

    // ---- Within ---------------------------------------------------------------------------

    [Fact]
    public void Within_fails_when_the_block_is_faster_than_the_minimum()
    {
        var act = () => Within(Ms(100), Ms(1000), () => { });

        act.Should().Throw<TestKitAssertionException>().WithMessage("*less than the minimum*");
    }

    [Fact]
    public void Within_fails_when_the_block_is_slower_than_the_maximum()
    {
        var slow = CreateTestProbe(); // a probe's wait is not bounded by our Within

        var act = () => Within(Ms(50), () => slow.ExpectNoMsg(Ms(200)));

        act.Should().Throw<TestKitAssertionException>().WithMessage("*more than the maximum*");
    }

    [Fact]
    public async Task WithinAsync_fails_when_the_block_is_too_fast_or_too_slow()
    {
        var slow = CreateTestProbe();

        var tooFast = () => WithinAsync(Ms(100), Ms(1000), () => Task.CompletedTask);
        var tooSlow = () => WithinAsync(Ms(50), () => slow.ExpectNoMsgAsync(Ms(200)));

        await tooFast.Should().ThrowAsync<TestKitAssertionException>().WithMessage("*less than the minimum*");
        await tooSlow.Should().ThrowAsync<TestKitAssertionException>().WithMessage("*more than the maximum*");
    }

    [Fact]
    public void Within_passes_when_the_block_takes_between_min_and_max()
    {
        Within(Ms(90), Ms(2000), () =>
        {
            Sys.Scheduler.ScheduleTellOnce(Ms(100), TestActor, "later", ActorRefs.NoSender);
            ExpectMsg("later");
        });
    }

    [Fact]
    public void Expectations_inside_Within_wait_no_longer_than_what_is_left_of_it()
    {
        // The inner ExpectMsg asks for 5 s but the enclosing Within ends after 100 ms.
        Within(Ms(2000), () =>
        {
            var act = () => Within(Ms(100), () => ExpectMsg<string>(TimeSpan.FromSeconds(5)));
            act.Should().Throw<TestKitAssertionException>();
        });
    }

    [Fact]
    public void Remaining_is_the_time_left_in_the_enclosing_Within()
    {
        Remaining.Should().Be(Dilated(TestKitSettings.DefaultTimeout));

        Within(Ms(500), () => Remaining.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(Dilated(Ms(500))));
    }

    // ---- FishForMessage, ReceiveN ------------------------------------------------------------

    [Fact]
    public void FishForMessage_skips_messages_until_one_matches_and_leaves_the_rest()
    {
        foreach (var m in new object[] { 1, "a", 2, "b", 3 }) TestActor.Tell(m);

        FishForMessage<int>(i => i >= 2).Should().Be(2);

        ExpectMsg("b");
        ExpectMsg(3);
    }

    [Fact]
    public async Task FishForMessage_fails_when_nothing_matches_in_time()
    {
        TestActor.Tell("not it");

        var act = () => FishForMessageAsync<int>(_ => true, Ms(100));

        await act.Should().ThrowAsync<TestKitAssertionException>();
    }

    [Fact]
    public async Task ReceiveN_returns_the_next_n_messages_in_order()
    {
        foreach (var m in new object[] { "a", 2, "c", "left over" }) TestActor.Tell(m);

        ReceiveN(3).Should().Equal("a", 2, "c");
        (await ReceiveNAsync(1)).Should().Equal("left over");
    }

    [Fact]
    public void ReceiveN_fails_when_fewer_messages_arrive_in_time()
    {
        TestActor.Tell("only one");

        var act = () => ReceiveN(2, Ms(100));

        act.Should().Throw<TestKitAssertionException>().WithMessage("*2 of 2*");
    }

    // ---- AwaitAssert, AwaitCondition -----------------------------------------------------------

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_passes()
    {
        var attempts = 0;

        AwaitAssert(() => (++attempts).Should().BeGreaterThanOrEqualTo(3), TimeSpan.FromSeconds(3), Ms(10));

        attempts.Should().Be(3);
    }

    [Fact]
    public async Task AwaitAssertAsync_retries_until_the_assertion_passes()
    {
        var attempts = 0;

        await AwaitAssertAsync(async () =>
        {
            await Task.Yield();
            (++attempts).Should().BeGreaterThanOrEqualTo(3);
        }, TimeSpan.FromSeconds(3), Ms(10));

        attempts.Should().Be(3);
    }

    [Fact]
    public void AwaitAssert_fails_with_the_last_failure_when_time_is_up()
    {
        var act = () => AwaitAssert(() => throw new InvalidOperationException("still wrong"), Ms(100));

        act.Should().Throw<InvalidOperationException>().WithMessage("still wrong");
    }

    [Fact]
    public void AwaitAssert_leaves_the_messages_of_the_test_actor_alone()
    {
        TestActor.Tell("keep me");
        AwaitQueued(1);
        var attempts = 0;

        AwaitAssert(() => (++attempts).Should().BeGreaterThanOrEqualTo(3), TimeSpan.FromSeconds(3), Ms(10));

        ExpectMsg("keep me");
    }

    [Fact]
    public async Task AwaitCondition_waits_for_the_condition_and_fails_with_the_message_when_it_never_holds()
    {
        var flag = 0;
        Sys.Scheduler.ScheduleOnce(Ms(50), () => Volatile.Write(ref flag, 1));

        await AwaitConditionAsync(() => Volatile.Read(ref flag) == 1, TimeSpan.FromSeconds(3));

        var act = () => AwaitCondition(() => false, Ms(100), "the moon is blue");
        act.Should().Throw<TestKitAssertionException>().WithMessage("*the moon is blue*");
    }

    // ---- senders, probes, death watch ------------------------------------------------------

    [Fact]
    public void The_test_actor_is_the_implicit_sender_of_the_tests_tells()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");

        echo.Tell("back to me");

        ExpectMsg("back to me");
        LastSender.Should().Be(echo);
        LastMessage.Should().Be("back to me");
    }

    [Fact]
    public void A_probe_has_its_own_queue()
    {
        var probe = CreateTestProbe();

        probe.Ref.Tell("for the probe");
        TestActor.Tell("for the test");

        probe.ExpectMsg("for the probe");
        ExpectMsg("for the test");
        probe.ExpectNoMsg(Ms(50));
        ExpectNoMsg(Ms(50));
    }

    [Fact]
    public void Reply_answers_the_sender_of_the_last_message()
    {
        var probe = CreateTestProbe();

        probe.Send(TestActor, "ping");
        ExpectMsg("ping");
        LastSender.Should().Be(probe.Ref);
        Reply("pong");

        probe.ExpectMsg("pong");
        probe.LastSender.Should().Be(TestActor);
    }

    [Fact]
    public void Forward_passes_the_last_message_on_with_its_original_sender()
    {
        var original = CreateTestProbe();
        var next = CreateTestProbe();

        original.Send(TestActor, "pass it on");
        ExpectMsg("pass it on");
        Forward(next.Ref);

        next.ExpectMsg("pass it on");
        next.LastSender.Should().Be(original.Ref);
    }

    [Fact]
    public void ExpectTerminated_sees_a_watched_actor_stop()
    {
        var echo = Watch(Sys.ActorOf(Props.Create(() => new Echo()), "echo"));

        Sys.Stop(echo);

        ExpectTerminated(echo).ActorRef.Should().Be(echo);
    }

    // ---- time factor ----------------------------------------------------------------------

    [Fact]
    public void Durations_are_dilated_by_the_time_factor()
    {
        var factor = TestKitSettings.TimeFactor;
        if (Environment.GetEnvironmentVariable(TestKitSettings.TimeFactorVariable) is null) factor.Should().Be(1.0);

        Dilated(Ms(100)).Should().Be(TimeSpan.FromTicks((long)(Ms(100).Ticks * factor)));
        TestKitSettings.Dilated(TimeSpan.FromSeconds(2)).Should().Be(TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(2).Ticks * factor)));
    }

    [Fact]
    public void Expectation_timeouts_are_dilated()
    {
        var act = () => ExpectMsg<string>(Ms(100));

        act.Should().Throw<TestKitAssertionException>().WithMessage($"Timeout ({Dilated(Ms(100)).TotalMilliseconds:0} ms)*");
    }

    /// <summary>Waits until <paramref name="count"/> messages are queued, without taking them.</summary>
    private void AwaitQueued(int count) => AwaitCondition(() => QueuedMessageCount == count, TimeSpan.FromSeconds(3));
}
