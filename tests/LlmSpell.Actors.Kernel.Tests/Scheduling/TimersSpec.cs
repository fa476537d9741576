using LlmSpell.Actors.Event;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Scheduling;

public sealed class TimersSpec : TestKit
{
    private sealed record Tick(string Name);

    private sealed record StartSingle(string Key, Tick Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, Tick Message, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed record IsActive(string Key);

    /// <summary>Starts a single timer, waits (simulated work) until its message is in the mailbox, then cancels it.</summary>
    private sealed record FireThenCancel(string Key, Tick Message);

    /// <summary>Same, but replaces the timer with a new one under the same key instead of cancelling it.</summary>
    private sealed record FireThenReplace(string Key, Tick First, Tick Second);

    private sealed class Crash
    {
        public static readonly Crash Instance = new();
    }

    private sealed class Marker
    {
        public static readonly Marker Instance = new();
    }

    /// <summary>Drives its timers on request and reports every timer message to the probe.</summary>
    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        private readonly IActorRef _probe;

        public ITimerScheduler Timers { get; set; } = null!;

        public TimerActor(IActorRef probe)
        {
            _probe = probe;
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, s.Message, s.Delay));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer(s.Key, s.Message, s.Interval));
            Receive<CancelTimer>(c => Timers.Cancel(c.Key));
            Receive<IsActive>(a => Sender.Tell(Timers.IsTimerActive(a.Key)));
            Receive<FireThenCancel>(f =>
            {
                Timers.StartSingleTimer(f.Key, f.Message, TimeSpan.FromMilliseconds(1));
                WaitForQueuedMessage();
                Timers.Cancel(f.Key);
                Sender.Tell("cancelled");
            });
            Receive<FireThenReplace>(f =>
            {
                Timers.StartSingleTimer(f.Key, f.First, TimeSpan.FromMilliseconds(1));
                WaitForQueuedMessage();
                Timers.StartSingleTimer(f.Key, f.Second, TimeSpan.FromMilliseconds(50));
                Sender.Tell("replaced");
            });
            Receive<Crash>(_ => throw new InvalidOperationException("crash"));
            Receive<Tick>(t => probe.Tell(t, Sender));
        }

        private void WaitForQueuedMessage() =>
            SpinWait.SpinUntil(() => ((LocalActorRef)Self).NumberOfMessages > 0, TimeSpan.FromSeconds(3)).Should().BeTrue();

        protected override void PostRestart(Exception reason) => _probe.Tell("restarted");
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private (IActorRef Actor, TestProbe Probe) StartTimerActor()
    {
        var probe = CreateTestProbe();
        return (Sys.ActorOf(Props.Create(() => new TimerActor(probe.Ref)), "timers"), probe);
    }

    [Fact]
    public async Task A_single_timer_delivers_its_message_once_without_a_sender()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new StartSingle("once", new Tick("once"), Ms(50)));

        await probe.ExpectMsgAsync(new Tick("once"));
        probe.LastSender.Should().Be(ActorRefs.NoSender, "as in Akka, timer messages have no sender to reply to");
        await probe.ExpectNoMsgAsync(Ms(150));
        (await actor.Ask<bool>(new IsActive("once"), TimeSpan.FromSeconds(3))).Should().BeFalse();
    }

    [Fact]
    public async Task A_periodic_timer_delivers_until_cancelled()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new StartPeriodic("every", new Tick("every"), Ms(30)));
        for (var i = 0; i < 3; i++) await probe.ExpectMsgAsync(new Tick("every"));
        (await actor.Ask<bool>(new IsActive("every"), TimeSpan.FromSeconds(3))).Should().BeTrue();
        actor.Tell(new CancelTimer("every"));
        (await actor.Ask<bool>(new IsActive("every"), TimeSpan.FromSeconds(3))).Should().BeFalse();

        // Ticks the actor handled before the Cancel are ahead of the marker; none may follow it.
        probe.Ref.Tell(Marker.Instance);
        await probe.FishForMessageAsync<object>(m => m is Marker);
        await probe.ExpectNoMsgAsync(Ms(150));
    }

    [Fact]
    public async Task Cancel_drops_a_timer_message_that_is_already_in_the_mailbox()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new FireThenCancel("stale", new Tick("stale")));

        await ExpectMsgAsync("cancelled");
        await probe.ExpectNoMsgAsync(Ms(150));
    }

    [Fact]
    public async Task Starting_a_timer_with_the_same_key_replaces_it_even_when_its_message_is_queued()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new FireThenReplace("key", new Tick("first"), new Tick("second")));

        await ExpectMsgAsync("replaced");
        await probe.ExpectMsgAsync(new Tick("second"));
        await probe.ExpectNoMsgAsync(Ms(150));
    }

    [Fact]
    public async Task Starting_a_timer_with_the_same_key_before_it_fired_replaces_it()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new StartSingle("key", new Tick("slow"), Ms(150)));
        actor.Tell(new StartSingle("key", new Tick("fast"), Ms(20)));

        await probe.ExpectMsgAsync(new Tick("fast"));
        await probe.ExpectNoMsgAsync(Ms(300));
    }

    [Fact]
    public async Task Timers_with_different_keys_are_independent()
    {
        var (actor, probe) = StartTimerActor();

        actor.Tell(new StartSingle("a", new Tick("a"), Ms(20)));
        actor.Tell(new StartSingle("b", new Tick("b"), Ms(60)));
        actor.Tell(new CancelTimer("a"));

        await probe.ExpectMsgAsync(new Tick("b"));
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_stops()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var (actor, probe) = StartTimerActor();
        actor.Tell(new StartPeriodic("every", new Tick("every"), Ms(20)));
        await probe.ExpectMsgAsync(new Tick("every"));
        Watch(actor);

        Sys.Stop(actor);
        await ExpectTerminatedAsync(actor);

        // A running timer would now send a message to dead letters every 20 ms; only ticks that were
        // already in the mailbox when the actor stopped may still show up there.
        await ExpectSilenceAfterAtMostTwoStragglers(deadLetters, Ms(200));
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_restarts()
    {
        var (actor, probe) = StartTimerActor();
        actor.Tell(new StartPeriodic("every", new Tick("every"), Ms(20)));
        actor.Tell(new StartSingle("once", new Tick("once"), Ms(150)));
        await probe.ExpectMsgAsync(new Tick("every"));

        actor.Tell(Crash.Instance);
        await probe.FishForMessageAsync<string>(m => m == "restarted");

        // Timer messages still in the mailbox are dropped; the old timers never fire again.
        (await actor.Ask<bool>(new IsActive("every"), TimeSpan.FromSeconds(3))).Should().BeFalse();
        await probe.ExpectNoMsgAsync(Ms(250));
    }

    private static async Task ExpectSilenceAfterAtMostTwoStragglers(TestProbe probe, TimeSpan silence)
    {
        for (var stragglers = 0; ; stragglers++)
        {
            try
            {
                await probe.ExpectNoMsgAsync(silence);
                return;
            }
            catch (TestKitAssertionException) when (stragglers < 2) { }
        }
    }
}
