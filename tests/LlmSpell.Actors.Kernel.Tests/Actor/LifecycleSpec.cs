using LlmSpell.Actors.Event;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class LifecycleSpec : TestKit
{
    private sealed record Fail(string Reason);

    private sealed record PreRestarted(int Instance, Exception Cause, object? Message);

    private sealed record PostRestarted(int Instance, Exception Cause);

    private sealed record ChildRef(IActorRef Child);

    /// <summary>Reports every lifecycle hook, tagged with an instance number, to a probe.</summary>
    private sealed class Reporter : ReceiveActor
    {
        private static int _instances;
        private readonly IActorRef _probe;
        private readonly int _instance = Interlocked.Increment(ref _instances);

        public Reporter(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<ManualResetEventSlim>(gate =>
            {
                _probe.Tell("working");
                gate.Wait(TimeSpan.FromSeconds(10));
                _probe.Tell("work done");
            });
            Receive<string>(s => _probe.Tell(s));
        }

        protected override void PreStart() => _probe.Tell($"prestart {_instance}");
        protected override void PostStop() => _probe.Tell($"poststop {_instance}");
    }

    /// <summary>Overrides the restart hooks without calling the defaults.</summary>
    private sealed class RestartRecorder : ReceiveActor
    {
        private static int _instances;
        private readonly IActorRef _probe;
        private readonly int _instance = Interlocked.Increment(ref _instances);

        public RestartRecorder(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<string>(s => _probe.Tell($"{s} {_instance}"));
        }

        protected override void PreRestart(Exception reason, object? message) => _probe.Tell(new PreRestarted(_instance, reason, message));
        protected override void PostRestart(Exception reason) => _probe.Tell(new PostRestarted(_instance, reason));
    }

    /// <summary>Its PreRestart throws; Akka logs that and restarts anyway.</summary>
    private sealed class PreRestartThrows : ReceiveActor
    {
        private static int _instances;
        private readonly IActorRef _probe;
        private readonly int _instance = Interlocked.Increment(ref _instances);

        public PreRestartThrows(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<string>(s => _probe.Tell($"{s} {_instance}"));
        }

        protected override void PreRestart(Exception reason, object? message) => throw new InvalidOperationException("PreRestart failed");
        protected override void PostRestart(Exception reason) => _probe.Tell(new PostRestarted(_instance, reason));
    }

    /// <summary>Creates a named child in PreStart; the default PreRestart must stop it.</summary>
    private sealed class ParentWithChild : ReceiveActor
    {
        private readonly IActorRef _probe;

        public ParentWithChild(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<string>(s => s == "child", _ => Sender.Tell(new ChildRef(Context.Child("child")!)));
        }

        protected override void PreStart() => Context.ActorOf(Props.Create(() => new Reporter(_probe)), "child");
    }

    /// <summary>Keeps its children across a restart, the Akka way: PreRestart and PostRestart do not stop or re-create them.</summary>
    private sealed class ParentKeepingChildren : ReceiveActor
    {
        private readonly IActorRef _probe;

        public ParentKeepingChildren(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<string>(s => s == "child", _ => Sender.Tell(new ChildRef(Context.Child("child")!)));
            Receive<string>(s => Sender.Tell(s));
        }

        protected override void PreStart() => Context.ActorOf(Props.Create(() => new RestartRecorder(_probe)), "child");
        protected override void PreRestart(Exception reason, object? message) { }
        protected override void PostRestart(Exception reason) => _probe.Tell("parent restarted");
    }

    /// <summary>A chain of depth actors, each reporting its PreStart and PostStop with its name.</summary>
    private sealed class Chain : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly int _depth;

        public Chain(IActorRef probe, int depth)
        {
            _probe = probe;
            _depth = depth;
        }

        protected override void PreStart()
        {
            if (_depth > 1) Context.ActorOf(Props.Create(() => new Chain(_probe, _depth - 1)), $"level{_depth - 1}");
            _probe.Tell($"started {Self.Path.Name}");
        }

        protected override void PostStop() => _probe.Tell($"stopped {Self.Path.Name}");
    }

    /// <summary>A parent whose strategy reports the exception type before applying the default decider.</summary>
    private sealed class RecordingParent : ReceiveActor
    {
        private readonly IActorRef _probe;

        public RecordingParent(IActorRef probe, Props childProps)
        {
            _probe = probe;
            var child = Context.ActorOf(childProps, "child");
            // Told before any failure of the child can be handled here.
            _probe.Tell(new ChildRef(child));
            ReceiveAny(m => child.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _probe.Tell(ex);
            return Actors.SupervisorStrategy.DefaultDecider(ex);
        });
    }

    private sealed class ThrowsInConstructor : ReceiveActor
    {
        public ThrowsInConstructor() => throw new InvalidOperationException("cannot construct");
    }

    private sealed class NeedsAString : ReceiveActor
    {
        public NeedsAString(string name) => ReceiveAny(_ => Sender.Tell(name));
    }

    /// <summary>Tries to create a child and reports what happened.</summary>
    private sealed class Spawner : ReceiveActor
    {
        public Spawner() =>
            Receive<string>(name =>
            {
                try
                {
                    Context.ActorOf(Props.Create(() => new NeedsAString(name)), name);
                    Sender.Tell("created");
                }
                catch (Exception ex)
                {
                    Sender.Tell(ex);
                }
            });
    }

    private ChildRef AskChild(IActorRef parent)
    {
        parent.Tell("child");
        return ExpectMsg<ChildRef>();
    }

    /// <summary>Uses its context in the constructor, as Akka actors commonly do.</summary>
    private sealed class UsesContextInConstructor : ReceiveActor
    {
        public UsesContextInConstructor(IActorRef probe)
        {
            var child = Context.ActorOf(Props.Create(() => new Reporter(probe)), "made-in-ctor");
            probe.Tell(new ChildRef(child));
            probe.Tell(Self);
        }
    }

    [Fact]
    public void The_context_and_Self_are_usable_in_the_constructor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new UsesContextInConstructor(TestActor)), "ctor");

        ExpectMsg<ChildRef>().Child.Path.ToString().Should().EndWith("/user/ctor/made-in-ctor");
        ExpectMsg<IActorRef>().Should().Be(actor);
    }

    [Fact]
    public void PreStart_runs_before_the_first_message_and_PostStop_after_the_last()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        actor.Tell("a");
        actor.Tell("b");
        ExpectMsg<string>(s => s.StartsWith("prestart "));
        ExpectMsg("a");
        ExpectMsg("b");
        Sys.Stop(actor);
        ExpectMsg<string>(s => s.StartsWith("poststop "));
        ExpectNoMsg();
    }

    [Fact]
    public void PreRestart_and_PostRestart_get_the_cause_and_the_failing_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new RestartRecorder(TestActor)));
        var failing = new Fail("boom");
        actor.Tell(failing);

        var pre = ExpectMsg<PreRestarted>();
        pre.Message.Should().BeSameAs(failing);
        pre.Cause.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("boom");

        var post = ExpectMsg<PostRestarted>();
        post.Cause.Should().BeSameAs(pre.Cause);
        post.Instance.Should().NotBe(pre.Instance, "PostRestart runs on the fresh instance");

        actor.Tell("after");
        ExpectMsg($"after {post.Instance}");
    }

    [Fact]
    public void A_PreRestart_that_throws_does_not_prevent_the_restart()
    {
        var actor = Sys.ActorOf(Props.Create(() => new PreRestartThrows(TestActor)));
        actor.Tell("before");
        var first = ExpectMsg<string>().Split(' ')[1];

        actor.Tell(new Fail("boom"));

        var post = ExpectMsg<PostRestarted>();
        post.Cause.Message.Should().Be("boom");
        post.Instance.ToString().Should().NotBe(first);
        actor.Tell("after");
        ExpectMsg($"after {post.Instance}");
        ExpectNoMsg();
    }

    [Fact]
    public void Default_restart_hooks_call_PostStop_on_the_old_instance_and_PreStart_on_the_new_one()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        var first = ExpectMsg<string>(s => s.StartsWith("prestart ")).Split(' ')[1];
        actor.Tell(new Fail("boom"));
        ExpectMsg($"poststop {first}");
        var second = ExpectMsg<string>(s => s.StartsWith("prestart ")).Split(' ')[1];
        second.Should().NotBe(first);
        ExpectNoMsg();
    }

    [Fact]
    public void Default_PreRestart_stops_the_children()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentWithChild(probe.Ref)), "parent");
        var oldChild = AskChild(parent).Child;
        var oldInstance = probe.ExpectMsg<string>(s => s.StartsWith("prestart ")).Split(' ')[1];

        parent.Tell(new Fail("boom"));

        probe.ExpectMsg($"poststop {oldInstance}");
        probe.ExpectMsg<string>(s => s.StartsWith("prestart ") && s != $"prestart {oldInstance}");
        var newChild = AskChild(parent).Child;
        newChild.Should().NotBe(oldChild, "the old child was stopped and the new parent instance created another");
        newChild.Path.Should().Be(oldChild.Path);
        probe.ExpectNoMsg(); // the new child is not restarted along with its parent
    }

    [Fact]
    public void A_PreRestart_that_keeps_the_children_has_them_restarted_with_the_same_cause()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentKeepingChildren(probe.Ref)), "keeper");
        var child = AskChild(parent).Child;

        parent.Tell(new Fail("parent failed"));

        probe.ExpectMsg("parent restarted");
        probe.ExpectMsg<PreRestarted>().Message.Should().BeNull("the child itself did not fail on a message");
        var childRestart = probe.ExpectMsg<PostRestarted>();
        childRestart.Cause.Message.Should().Be("parent failed");
        AskChild(parent).Child.Should().Be(child, "the child survived its parent's restart");
        parent.Tell("still here");
        ExpectMsg("still here");
    }

    [Fact]
    public void Stopping_an_actor_stops_its_children_first()
    {
        var probe = CreateTestProbe();
        var top = Sys.ActorOf(Props.Create(() => new Chain(probe.Ref, 3)), "level3");
        probe.ReceiveN(3).Cast<string>().Should().BeEquivalentTo("started level1", "started level2", "started level3");

        Watch(top);
        Sys.Stop(top);

        probe.ExpectMsg("stopped level1");
        probe.ExpectMsg("stopped level2");
        probe.ExpectMsg("stopped level3");
        ExpectTerminated(top);
    }

    [Fact]
    public void Stop_is_asynchronous_and_lets_the_current_message_finish_first()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        ExpectMsg<string>(s => s.StartsWith("prestart "));
        using var gate = new ManualResetEventSlim();
        actor.Tell(gate);
        ExpectMsg("working");
        actor.Tell("queued behind the work");

        Sys.Stop(actor); // returns while the actor is still busy
        gate.Set();

        ExpectMsg("work done");
        ExpectMsg<string>(s => s.StartsWith("poststop "), hint: "stopped after the current message, before the queued one");
        ExpectNoMsg();
    }

    [Fact]
    public void PoisonPill_is_processed_after_the_messages_sent_before_it()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        ExpectMsg<string>(s => s.StartsWith("prestart "));

        actor.Tell("1");
        actor.Tell("2");
        actor.Tell("3");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("4");

        ExpectMsg("1");
        ExpectMsg("2");
        ExpectMsg("3");
        ExpectMsg<string>(s => s.StartsWith("poststop "));
        deadLetters.FishForMessage<DeadLetter>(d => "4".Equals(d.Message)).Recipient.Should().Be(actor);
        ExpectNoMsg();
    }

    [Fact]
    public void Kill_fails_the_actor_with_ActorKilledException_and_the_default_decider_stops_it()
    {
        var lifecycle = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new RecordingParent(TestActor, Props.Create(() => new Reporter(lifecycle.Ref)))));
        var child = ExpectMsg<ChildRef>().Child;
        lifecycle.ExpectMsg<string>(s => s.StartsWith("prestart "));
        Watch(child);

        child.Tell(Kill.Instance);
        child.Tell("after the kill");

        ExpectMsg<ActorKilledException>();
        lifecycle.ExpectMsg<string>(s => s.StartsWith("poststop "));
        ExpectTerminated(child);
        lifecycle.ExpectNoMsg();
    }

    [Fact]
    public void A_message_to_a_stopped_actor_becomes_a_DeadLetter_and_is_never_thrown()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        ExpectMsg<string>(s => s.StartsWith("prestart "));
        Watch(actor);
        Sys.Stop(actor);
        ExpectMsg<string>(s => s.StartsWith("poststop "));
        ExpectTerminated(actor);

        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var tell = () => actor.Tell("too late");

        tell.Should().NotThrow();
        var dead = deadLetters.ExpectMsg<DeadLetter>();
        dead.Message.Should().Be("too late");
        dead.Recipient.Should().Be(actor);
        dead.Sender.Should().Be(TestActor);
        ExpectNoMsg();
    }

    [Fact]
    public void ActorOf_with_a_name_already_taken_throws_InvalidActorNameException()
    {
        Sys.ActorOf(Props.Create(() => new Reporter(TestActor)), "taken");

        var again = () => Sys.ActorOf(Props.Create(() => new Reporter(TestActor)), "taken");

        again.Should().Throw<InvalidActorNameException>().WithMessage("*taken*");
    }

    [Fact]
    public void Context_ActorOf_with_a_name_already_taken_throws_InvalidActorNameException_in_the_parent()
    {
        var spawner = Sys.ActorOf(Props.Create(() => new Spawner()));
        spawner.Tell("kid");
        ExpectMsg("created");
        spawner.Tell("kid");
        ExpectMsg<InvalidActorNameException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("$x")]
    public void ActorOf_with_an_invalid_name_throws_InvalidActorNameException(string name)
    {
        var create = () => Sys.ActorOf(Props.Create(() => new Reporter(TestActor)), name);

        create.Should().Throw<InvalidActorNameException>();
    }

    [Fact]
    public void Props_for_a_type_without_a_fitting_constructor_fail_at_ActorOf_naming_the_type()
    {
        var create = () => Sys.ActorOf(Props.Create<NeedsAString>(42), "typo");

        create.Should().Throw<InvalidPropsException>().WithMessage($"*{nameof(NeedsAString)}*");
        Sys.ActorOf(Props.Create<NeedsAString>("fits"), "typo").Should().NotBeNull("the failed ActorOf did not take the name");
    }

    [Fact]
    public void An_actor_whose_constructor_throws_is_stopped_with_ActorInitializationException()
    {
        Sys.ActorOf(Props.Create(() => new RecordingParent(TestActor, Props.Create<ThrowsInConstructor>())));
        var child = ExpectMsg<ChildRef>().Child;
        Watch(child);

        var cause = ExpectMsg<ActorInitializationException>();
        cause.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("cannot construct");
        ExpectTerminated(child);
    }

    [Fact]
    public void An_actor_whose_factory_throws_is_stopped_with_ActorInitializationException()
    {
        Sys.ActorOf(Props.Create(() => new RecordingParent(TestActor, Props.Create(() => new ThrowsInConstructor()))));
        var child = ExpectMsg<ChildRef>().Child;
        Watch(child);

        ExpectMsg<ActorInitializationException>();
        ExpectTerminated(child);
    }

    [Fact]
    public void A_new_actor_under_the_name_of_a_stopped_one_has_a_different_ref_and_the_old_ref_does_not_reach_it()
    {
        var old = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)), "reused");
        ExpectMsg<string>(s => s.StartsWith("prestart "));
        Watch(old);
        Sys.Stop(old);
        ExpectMsg<string>(s => s.StartsWith("poststop "));
        ExpectTerminated(old);

        // The name is free once the parent has seen the death, which may be just after our Terminated.
        IActorRef? renewed = null;
        AwaitAssert(() => renewed = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)), "reused"));
        ExpectMsg<string>(s => s.StartsWith("prestart "));

        renewed!.Path.Should().Be(old.Path);
        renewed.Path.Uid.Should().NotBe(old.Path.Uid);
        renewed.Should().NotBe(old);

        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        old.Tell("to the old one");
        deadLetters.ExpectMsg<DeadLetter>().Message.Should().Be("to the old one");
        ExpectNoMsg();
        renewed.Tell("to the new one");
        ExpectMsg("to the new one");
    }

    [Fact]
    public void Identify_is_answered_with_ActorIdentity()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        ExpectMsg<string>(s => s.StartsWith("prestart "));

        actor.Tell(new Identify(42));

        var identity = ExpectMsg<ActorIdentity>();
        identity.MessageId.Should().Be(42);
        identity.Subject.Should().Be(actor);
    }

    [Fact]
    public void Identify_to_a_stopped_actor_is_answered_with_an_empty_ActorIdentity()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter(TestActor)));
        ExpectMsg<string>(s => s.StartsWith("prestart "));
        Watch(actor);
        Sys.Stop(actor);
        ExpectMsg<string>(s => s.StartsWith("poststop "));
        ExpectTerminated(actor);

        actor.Tell(new Identify("who"));

        var identity = ExpectMsg<ActorIdentity>();
        identity.MessageId.Should().Be("who");
        identity.Subject.Should().BeNull();
    }
}
