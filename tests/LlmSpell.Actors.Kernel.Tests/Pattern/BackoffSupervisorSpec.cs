using System.Diagnostics;
using LlmSpell.Actors.Event;
using LlmSpell.Actors.Pattern;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Pattern;

public sealed class BackoffSupervisorSpec : TestKit
{
    private sealed record Started(IActorRef Child, long Timestamp);

    private sealed class Crash
    {
        public static readonly Crash Instance = new();
    }

    private sealed class StopYourself
    {
        public static readonly StopYourself Instance = new();
    }

    private sealed class Count
    {
        public static readonly Count Instance = new();
    }

    private sealed record Echo(string Text);

    private sealed record Report(string Text);

    /// <summary>Tells the probe when it starts; crashes, stops, counts or echoes on request.</summary>
    private sealed class Child : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly bool _crashOnStart;
        private int _count;

        public Child(IActorRef probe, bool crashOnStart)
        {
            _probe = probe;
            _crashOnStart = crashOnStart;
            Receive<Crash>(_ => throw new InvalidOperationException("crash"));
            Receive<StopYourself>(_ => Context.Stop(Self));
            Receive<Count>(_ => Sender.Tell(++_count));
            Receive<Echo>(e => Sender.Tell(e));
            Receive<Report>(r => Context.Parent.Tell(r));
        }

        protected override void PreStart()
        {
            _probe.Tell(new Started(Self, Stopwatch.GetTimestamp()), Self);
            if (_crashOnStart) Self.Tell(Crash.Instance);
        }
    }

    /// <summary>The parent of a backoff supervisor: passes what it receives to the probe.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent(Props supervisor, IActorRef probe)
        {
            var child = Context.ActorOf(supervisor, "supervisor");
            Receive<string>(s => s == "supervisor", _ => Sender.Tell(child));
            ReceiveAny(m => probe.Tell(m, Sender));
        }
    }

    private static Props ChildProps(IActorRef probe, bool crashOnStart = false) =>
        Props.Create(() => new Child(probe, crashOnStart));

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private IActorRef StartSupervisor(BackoffOptions options) => Sys.ActorOf(BackoffSupervisor.Props(options), "backoff");

    [Fact]
    public async Task A_failing_child_is_started_again_after_growing_delays()
    {
        var probe = CreateTestProbe();
        var options = BackoffOptions.OnFailure(ChildProps(probe.Ref, crashOnStart: true), "child", Ms(50), Ms(1000), 0)
            .WithMaxNrOfRetries(3).WithManualReset(); // no automatic reset racing a slow start (see below)

        var supervisor = Watch(StartSupervisor(options));
        var starts = new List<long>();
        for (var i = 0; i < 4; i++) starts.Add((await probe.ExpectMsgAsync<Started>(TimeSpan.FromSeconds(3))).Timestamp);
        await ExpectTerminatedAsync(supervisor);

        var gaps = starts.Zip(starts.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToArray();
        // min·2ⁿ: 50, 100, 200 ms (timers never fire early; allow a little clock granularity)
        gaps[0].Should().BeGreaterThanOrEqualTo(45);
        gaps[1].Should().BeGreaterThanOrEqualTo(90);
        gaps[2].Should().BeGreaterThanOrEqualTo(180);
        gaps[2].Should().BeGreaterThan(gaps[0]);
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task The_delay_is_capped_at_MaxBackoff()
    {
        var probe = CreateTestProbe();
        var options = BackoffOptions.OnFailure(ChildProps(probe.Ref, crashOnStart: true), "child", Ms(40), Ms(50), 0)
            .WithMaxNrOfRetries(5).WithManualReset();

        var supervisor = Watch(StartSupervisor(options));
        var starts = new List<long>();
        for (var i = 0; i < 6; i++) starts.Add((await probe.ExpectMsgAsync<Started>(TimeSpan.FromSeconds(3))).Timestamp);
        await ExpectTerminatedAsync(supervisor);

        // 40, 50, 50, 50, 50 ms instead of 40, 80, 160, 320, 640 ms
        var gaps = starts.Zip(starts.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToArray();
        gaps.Skip(1).Should().OnlyContain(g => g >= 45);
        gaps[4].Should().BeLessThan(400, "the fifth delay would be 640 ms without the cap");
    }

    [Fact]
    public async Task The_supervisor_stops_when_MaxNrOfRetries_is_used_up()
    {
        var probe = CreateTestProbe();
        // Manual reset: an automatic one (after MinBackoff of the child running) could fire between a slow start and its
        // crash on a loaded machine and rightly grant more starts; the retry limit is what is under test here.
        var options = BackoffOptions.OnFailure(ChildProps(probe.Ref, crashOnStart: true), "child", Ms(10), Ms(20), 0)
            .WithMaxNrOfRetries(2).WithManualReset();

        var supervisor = Watch(StartSupervisor(options));

        (await probe.ReceiveNAsync(3)).Should().AllBeOfType<Started>();
        await ExpectTerminatedAsync(supervisor);
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task Zero_retries_means_the_first_failure_stops_the_supervisor()
    {
        var probe = CreateTestProbe();
        var options = BackoffOptions.OnFailure(ChildProps(probe.Ref, crashOnStart: true), "child", Ms(10), Ms(20), 0)
            .WithMaxNrOfRetries(0);

        var supervisor = Watch(StartSupervisor(options));

        await probe.ExpectMsgAsync<Started>();
        await ExpectTerminatedAsync(supervisor);
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task Messages_to_the_supervisor_are_forwarded_to_the_child_with_their_sender()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0));
        var child = (await probe.ExpectMsgAsync<Started>()).Child;

        supervisor.Tell(new Echo("hi"));

        await ExpectMsgAsync(new Echo("hi"));
        LastSender.Should().Be(child);
    }

    [Fact]
    public async Task Messages_from_the_child_to_its_parent_go_to_the_supervisors_parent()
    {
        var probe = CreateTestProbe();
        var supervisorProps = BackoffSupervisor.Props(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0));
        var parent = Sys.ActorOf(Props.Create(() => new Parent(supervisorProps, probe.Ref)), "parent");
        var supervisor = await parent.Ask<IActorRef>("supervisor", TimeSpan.FromSeconds(3));
        await probe.ExpectMsgAsync<Started>();

        supervisor.Tell(new Report("progress"));

        await probe.ExpectMsgAsync(new Report("progress"));
        probe.LastSender.Should().Be(supervisor);
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task GetCurrentChild_replies_the_child_and_a_new_one_after_a_restart()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0));
        var first = (await probe.ExpectMsgAsync<Started>()).Child;

        (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, TimeSpan.FromSeconds(3)))
            .Ref.Should().Be(first);

        supervisor.Tell(Crash.Instance);
        var second = (await probe.ExpectMsgAsync<Started>()).Child;

        second.Should().NotBe(first);
        second.Path.Name.Should().Be("child");
        (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, TimeSpan.FromSeconds(3)))
            .Ref.Should().Be(second);
    }

    [Fact]
    public async Task Messages_arriving_while_the_child_is_down_become_dead_letters()
    {
        var probe = CreateTestProbe();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(500), Ms(500), 0));
        var child = Watch((await probe.ExpectMsgAsync<Started>()).Child);

        supervisor.Tell(Crash.Instance);
        await ExpectTerminatedAsync(child);
        supervisor.Tell(new Echo("anyone?"));

        var dead = await deadLetters.FishForMessageAsync<DeadLetter>(d => d.Message is Echo);
        dead.Message.Should().Be(new Echo("anyone?"));
        dead.Sender.Should().Be(TestActor);
        await ExpectNoMsgAsync(Ms(50));
    }

    [Fact]
    public async Task GetRestartCount_counts_the_restarts()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0)
            .WithManualReset());
        await probe.ExpectMsgAsync<Started>();

        for (var i = 1; i <= 2; i++)
        {
            supervisor.Tell(Crash.Instance);
            await probe.ExpectMsgAsync<Started>();
            (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
                .Count.Should().Be(i);
        }
    }

    [Fact]
    public async Task The_restart_count_resets_by_itself_once_a_child_has_run_for_the_reset_time()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0)
            .WithAutoReset(Ms(50)));
        await probe.ExpectMsgAsync<Started>();
        supervisor.Tell(Crash.Instance);
        await probe.ExpectMsgAsync<Started>();

        // The restarted child keeps running: 50 ms later its restart no longer counts.
        await AwaitAssertAsync(async () =>
            (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
                .Count.Should().Be(0));
    }

    [Fact]
    public async Task Reset_starts_the_backoff_from_the_minimum_again()
    {
        var probe = CreateTestProbe();
        // After three restarts the next delay would be 50·2³ = 400 ms; after Reset it is 50 ms again.
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(50), Ms(1000), 0)
            .WithManualReset());
        await probe.ExpectMsgAsync<Started>();
        for (var i = 0; i < 3; i++)
        {
            supervisor.Tell(Crash.Instance);
            await probe.ExpectMsgAsync<Started>();
        }

        supervisor.Tell(BackoffSupervisor.Reset.Instance);
        (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
            .Count.Should().Be(0);

        var crashed = Stopwatch.GetTimestamp();
        supervisor.Tell(Crash.Instance);
        var restarted = (await probe.ExpectMsgAsync<Started>()).Timestamp;
        Stopwatch.GetElapsedTime(crashed, restarted).TotalMilliseconds.Should().BeInRange(45, 300);
    }

    [Fact]
    public async Task By_default_the_restart_count_resets_after_the_child_ran_MinBackoff_without_failing()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(50), Ms(1000), 0));
        await probe.ExpectMsgAsync<Started>();
        supervisor.Tell(Crash.Instance);
        await probe.ExpectMsgAsync<Started>();

        await AwaitAssertAsync(async () =>
            (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
                .Count.Should().Be(0), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task With_manual_reset_the_restart_count_is_kept()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(20), Ms(1000), 0)
            .WithManualReset());
        await probe.ExpectMsgAsync<Started>();
        supervisor.Tell(Crash.Instance);
        await probe.ExpectMsgAsync<Started>();

        await probe.ExpectNoMsgAsync(Ms(150)); // the child runs well beyond MinBackoff

        (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
            .Count.Should().Be(1);
    }

    [Fact]
    public async Task OnFailure_mode_stops_the_supervisor_when_the_child_stops_by_itself()
    {
        var probe = CreateTestProbe();
        var supervisor = Watch(StartSupervisor(BackoffOptions.OnFailure(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0)));
        await probe.ExpectMsgAsync<Started>();

        supervisor.Tell(StopYourself.Instance);

        await ExpectTerminatedAsync(supervisor);
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task OnStop_mode_starts_a_child_that_stopped_by_itself_again_after_the_backoff()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnStop(ChildProps(probe.Ref), "child", Ms(100), Ms(1000), 0));
        var first = (await probe.ExpectMsgAsync<Started>()).Child;

        Started second = null!;
        await WithinAsync(Ms(90), TimeSpan.FromSeconds(2), async () =>
        {
            supervisor.Tell(StopYourself.Instance);
            second = await probe.ExpectMsgAsync<Started>();
        });

        second.Child.Should().NotBe(first);
        (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
            .Count.Should().Be(1);
    }

    [Fact]
    public async Task OnStop_mode_stops_the_supervisor_when_MaxNrOfRetries_is_used_up()
    {
        var probe = CreateTestProbe();
        var supervisor = Watch(StartSupervisor(BackoffOptions.OnStop(ChildProps(probe.Ref), "child", Ms(10), Ms(20), 0)
            .WithMaxNrOfRetries(1)));
        await probe.ExpectMsgAsync<Started>();

        supervisor.Tell(StopYourself.Instance);
        await probe.ExpectMsgAsync<Started>();
        supervisor.Tell(StopYourself.Instance);

        await ExpectTerminatedAsync(supervisor);
    }

    [Fact]
    public async Task OnStop_mode_leaves_a_failing_child_to_the_default_strategy_which_restarts_it_at_once()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(BackoffOptions.OnStop(ChildProps(probe.Ref), "child", Ms(2000), Ms(2000), 0));
        var child = (await probe.ExpectMsgAsync<Started>()).Child;
        supervisor.Tell(Count.Instance);
        await ExpectMsgAsync(1);

        supervisor.Tell(Crash.Instance);
        // Restarted in place, well before the 2 s backoff: same ref, fresh state.
        (await probe.ExpectMsgAsync<Started>(Ms(1000))).Child.Should().Be(child);
        supervisor.Tell(Count.Instance);
        await ExpectMsgAsync(1);
        (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3)))
            .Count.Should().Be(0);
    }
}
