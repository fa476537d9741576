using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class DeathWatchSpec : TestKit
{
    private sealed record WatchIt(IActorRef Target);

    private sealed record WatchItWith(IActorRef Target, object Message);

    private sealed record UnwatchIt(IActorRef Target);

    private sealed record Gone(string Who);

    private sealed record ChildRef(IActorRef Child);

    private const string Done = "done";

    /// <summary>Does nothing; something to watch.</summary>
    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    /// <summary>Watches on request, acknowledges each request, and reports whatever else it receives.</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef probe)
        {
            Receive<WatchIt>(w =>
            {
                Context.Watch(w.Target);
                Sender.Tell(Done);
            });
            Receive<WatchItWith>(w =>
            {
                Context.WatchWith(w.Target, w.Message);
                Sender.Tell(Done);
            });
            Receive<UnwatchIt>(w =>
            {
                Context.Unwatch(w.Target);
                Sender.Tell(Done);
            });
            Receive<ManualResetEventSlim>(gate =>
            {
                probe.Tell("blocked");
                gate.Wait(TimeSpan.FromSeconds(10));
                probe.Tell("unblocked");
            });
            ReceiveAny(m => probe.Tell(m));
        }
    }

    /// <summary>Watches but has no handler for Terminated.</summary>
    private sealed class CarelessWatcher : ReceiveActor
    {
        public CarelessWatcher(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(s => Sender.Tell(s));
        }
    }

    /// <summary>A parent whose strategy reports the exception before applying the default decider.</summary>
    private sealed class RecordingParent : ReceiveActor
    {
        private readonly IActorRef _probe;

        public RecordingParent(IActorRef probe, Props childProps)
        {
            _probe = probe;
            _probe.Tell(new ChildRef(Context.ActorOf(childProps, "child")));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _probe.Tell(ex);
            return Actors.SupervisorStrategy.DefaultDecider(ex);
        });
    }

    /// <summary>Watches its own child and reports its Terminated.</summary>
    private sealed class WatchingParent : ReceiveActor
    {
        public WatchingParent(IActorRef probe)
        {
            var child = Context.Watch(Context.ActorOf(Props.Create(() => new Idle()), "child"));
            probe.Tell(new ChildRef(child));
            Receive<string>(s => s == "stop child", _ => Context.Stop(child));
            Receive<Terminated>(t => probe.Tell(t));
        }
    }

    /// <summary>
    /// Watch is asynchronous (as in Akka): the test actor watches when it processes the request.
    /// A message told to it afterwards comes back only once the watch has been sent.
    /// </summary>
    private void WatchAndWait(IActorRef target)
    {
        Watch(target);
        var barrier = Guid.NewGuid();
        TestActor.Tell(barrier);
        ExpectMsg(barrier);
    }

    private IActorRef StopAndAwait(IActorRef target)
    {
        var probe = CreateTestProbe();
        probe.Watch(target);
        Sys.Stop(target);
        probe.ExpectTerminated(target);
        return target;
    }

    [Fact]
    public void Watching_an_actor_that_stops_delivers_exactly_one_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        WatchAndWait(target);

        Sys.Stop(target);

        ExpectTerminated(target).ExistenceConfirmed.Should().BeTrue();
        ExpectNoMsg();
    }

    [Fact]
    public void Watching_twice_still_delivers_one_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        Watch(target);
        WatchAndWait(target);

        Sys.Stop(target);

        ExpectTerminated(target).ExistenceConfirmed.Should().BeTrue();
        ExpectNoMsg();
    }

    [Fact]
    public void Watching_an_actor_that_is_already_dead_delivers_one_Terminated_without_confirmed_existence()
    {
        var target = StopAndAwait(Sys.ActorOf(Props.Create(() => new Idle())));

        Watch(target);

        ExpectTerminated(target).ExistenceConfirmed.Should().BeFalse();
        ExpectNoMsg();
    }

    [Fact]
    public void Unwatch_before_the_stop_means_no_Terminated()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        watcher.Tell(new WatchIt(target));
        ExpectMsg(Done);
        watcher.Tell(new UnwatchIt(target));
        ExpectMsg(Done);

        StopAndAwait(target);

        probe.ExpectNoMsg();
    }

    [Fact]
    public void Unwatch_after_the_death_but_before_the_Terminated_is_processed_drops_the_Terminated()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        watcher.Tell(new WatchIt(target));
        ExpectMsg(Done);

        // The watcher is busy while the target dies, so its Terminated is queued behind the Unwatch.
        using var gate = new ManualResetEventSlim();
        watcher.Tell(gate);
        probe.ExpectMsg("blocked"); // only now is the death sure to queue behind the Unwatch
        StopAndAwait(target);
        watcher.Tell(new UnwatchIt(target));
        gate.Set();

        ExpectMsg(Done);
        probe.ExpectMsg("unblocked");
        probe.ExpectNoMsg();
    }

    [Fact]
    public void WatchWith_delivers_the_custom_message_instead_of_Terminated()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        watcher.Tell(new WatchItWith(target, new Gone("target")));
        ExpectMsg(Done);

        StopAndAwait(target);

        probe.ExpectMsg(new Gone("target"));
        probe.ExpectNoMsg();
    }

    [Fact]
    public void An_unhandled_Terminated_is_a_death_pact_that_stops_the_watcher()
    {
        var target = Sys.ActorOf(Props.Create(() => new Idle()));
        Sys.ActorOf(Props.Create(() => new RecordingParent(TestActor, Props.Create(() => new CarelessWatcher(target)))));
        var watcher = ExpectMsg<ChildRef>().Child;
        watcher.Tell("ready?");
        ExpectMsg("ready?"); // its Watch was sent in its constructor, before this reply
        Watch(watcher);

        Sys.Stop(target);

        ExpectMsg<DeathPactException>().DeadActor.Should().Be(target);
        ExpectTerminated(watcher);
    }

    [Fact]
    public void A_parent_watching_its_child_gets_one_Terminated_when_the_child_stops()
    {
        var parent = Sys.ActorOf(Props.Create(() => new WatchingParent(TestActor)));
        var child = ExpectMsg<ChildRef>().Child;

        parent.Tell("stop child");

        var terminated = ExpectMsg<Terminated>();
        terminated.ActorRef.Should().Be(child);
        terminated.ExistenceConfirmed.Should().BeTrue();
        ExpectNoMsg();
    }

    [Fact]
    public void A_stopping_parent_notifies_the_watchers_of_its_children_and_of_itself()
    {
        var parent = Sys.ActorOf(Props.Create(() => new WatchingParent(TestActor)));
        var child = ExpectMsg<ChildRef>().Child;
        Watch(parent);
        WatchAndWait(child);

        Sys.Stop(parent);

        var first = ExpectMsg<Terminated>();
        var second = ExpectMsg<Terminated>();
        first.ActorRef.Should().Be(child, "a child stops before its parent");
        second.ActorRef.Should().Be(parent);
        ExpectNoMsg();
    }
}
