using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class ReceiveTimeoutSpec : TestKit
{
    private sealed record SetTimeout(TimeSpan? Timeout, bool OffAfterFirst = false);

    private sealed record TimedOut(int KeepAlives, int Ticks);

    /// <summary>An ordinary message: it restarts the receive-timeout clock.</summary>
    private sealed class KeepAlive
    {
        public static readonly KeepAlive Instance = new();
    }

    /// <summary>A message that must not restart the receive-timeout clock.</summary>
    private sealed class Tick : INotInfluenceReceiveTimeout
    {
        public static readonly Tick Instance = new();
    }

    private const string Set = "set";

    /// <summary>Reports each ReceiveTimeout with how many messages of each kind it saw so far.</summary>
    private sealed class Sleepy : ReceiveActor
    {
        private int _keepAlives;
        private int _ticks;
        private bool _offAfterFirst;

        public Sleepy(IActorRef probe)
        {
            Receive<SetTimeout>(s =>
            {
                Context.SetReceiveTimeout(s.Timeout);
                _offAfterFirst = s.OffAfterFirst;
                Sender.Tell(Set);
            });
            Receive<KeepAlive>(_ => _keepAlives++);
            Receive<Tick>(_ => _ticks++);
            Receive<ReceiveTimeout>(_ =>
            {
                if (_offAfterFirst) Context.SetReceiveTimeout(null);
                probe.Tell(new TimedOut(_keepAlives, _ticks));
            });
        }
    }

    private IActorRef StartSleepy() => Sys.ActorOf(Props.Create(() => new Sleepy(TestActor)));

    [Fact]
    public void ReceiveTimeout_fires_after_the_inactivity_period_and_again_while_idle()
    {
        var actor = StartSleepy();
        var timeout = TimeSpan.FromMilliseconds(300);
        // Timers may fire a hair early against the stopwatch; the point is "not long before".
        var notBefore = timeout - TimeSpan.FromMilliseconds(20);

        // The clock starts before the Tell, so the timeout cannot have been scheduled earlier.
        Within(notBefore, TimeSpan.FromSeconds(3), () =>
        {
            actor.Tell(new SetTimeout(timeout));
            ExpectMsg(Set);
            ExpectMsg<TimedOut>();
        });
        ExpectMsg<TimedOut>(TimeSpan.FromSeconds(3), "it fires again while the actor stays idle");
    }

    [Fact]
    public void Messages_restart_the_inactivity_period()
    {
        var actor = StartSleepy();
        // Messages flow before the timeout is set, so it never sees a quiet period. The timeout is
        // 20 keep-alive intervals long, so that a loaded machine's scheduling hiccups cannot make one.
        var timeout = TimeSpan.FromSeconds(1);
        var keepAlive = Sys.Scheduler.ScheduleTellRepeatedly(
            TimeSpan.Zero, TimeSpan.FromMilliseconds(50), actor, KeepAlive.Instance, ActorRefs.NoSender);
        actor.Tell(new SetTimeout(timeout));
        ExpectMsg(Set);

        ExpectNoMsg(timeout * 1.5);

        keepAlive.Cancel();
        ExpectMsg<TimedOut>().KeepAlives.Should().BeGreaterThan(0);
    }

    [Fact]
    public void SetReceiveTimeout_null_turns_it_off()
    {
        var actor = StartSleepy();

        // The actor turns it off itself, in its first ReceiveTimeout handler.
        actor.Tell(new SetTimeout(TimeSpan.FromMilliseconds(200), OffAfterFirst: true));
        ExpectMsg(Set);
        ExpectMsg<TimedOut>();

        ExpectNoMsg(TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public void Messages_that_do_not_influence_the_receive_timeout_do_not_restart_it()
    {
        var actor = StartSleepy();
        var ticks = Sys.Scheduler.ScheduleTellRepeatedly(
            TimeSpan.Zero, TimeSpan.FromMilliseconds(50), actor, Tick.Instance, ActorRefs.NoSender);
        try
        {
            actor.Tell(new SetTimeout(TimeSpan.FromMilliseconds(300)));
            ExpectMsg(Set);

            ExpectMsg<TimedOut>(TimeSpan.FromSeconds(2)).Ticks.Should().BeGreaterThan(1, "ticks kept arriving meanwhile");
        }
        finally
        {
            ticks.Cancel();
        }
    }
}
