using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class SupervisionSpec : TestKit
{
    private sealed record Fail(string Reason);

    private sealed record Throw(Exception Exception);

    private sealed record Seen(int Instance, int Message, int CountSoFar);

    private sealed record Restarted(string Name, Exception Cause);

    private sealed record Started(string Name, IActorRef Self);

    private sealed record Stopped(string Name);

    private sealed record Decided(string Supervisor, Exception Cause, Directive Directive);

    private sealed record ToChild(string Name, object Message);

    private const string GetCount = "count";

    /// <summary>Counts what it receives; a Fail or Throw makes it throw; the count lives on the instance.</summary>
    private sealed class Counter : ReceiveActor
    {
        private static int _instances;
        private readonly IActorRef _probe;
        private readonly int _instance = Interlocked.Increment(ref _instances);
        private int _count;

        public Counter(IActorRef probe, ManualResetEventSlim? gate = null)
        {
            _probe = probe;
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<Throw>(t => throw t.Exception);
            Receive<string>(s => s == GetCount, _ => Sender.Tell(_count));
            Receive<string>(s => s == "block", _ => gate!.Wait(TimeSpan.FromSeconds(10)));
            Receive<int>(n => _probe.Tell(new Seen(_instance, n, ++_count)));
        }

        // Not the default (which calls PostStop), so that Stopped means a real stop.
        protected override void PreRestart(Exception reason, object? message) { }
        protected override void PostRestart(Exception reason) => _probe.Tell(new Restarted(Self.Path.Name, reason));
        protected override void PostStop() => _probe.Tell(new Stopped(Self.Path.Name));
    }

    /// <summary>A parent with a given strategy; forwards ToChild messages to its children by name.</summary>
    private sealed class Supervisor : ReceiveActor
    {
        private readonly SupervisorStrategy _strategy;

        public Supervisor(SupervisorStrategy strategy, IActorRef probe, params string[] children)
        {
            _strategy = strategy;
            foreach (var name in children)
                probe.Tell(new Started(name, Context.ActorOf(Props.Create(() => new Counter(probe, null)), name)));
            Receive<ToChild>(m => Context.Child(m.Name)!.Forward(m.Message));
        }

        protected override SupervisorStrategy SupervisorStrategy() => _strategy;
    }

    /// <summary>Supervises one child made from <c>childProps</c>; forwards ToChild messages to it.</summary>
    private sealed class Wrapper : ReceiveActor
    {
        private readonly SupervisorStrategy _strategy;

        public Wrapper(SupervisorStrategy strategy, Props childProps, string childName)
        {
            _strategy = strategy;
            Context.ActorOf(childProps, childName);
            Receive<ToChild>(m => Context.Child(m.Name)!.Forward(m.Message));
        }

        protected override SupervisorStrategy SupervisorStrategy() => _strategy;
    }

    /// <summary>Escalates every failure and keeps its child across its own restarts (the Akka idiom).</summary>
    private sealed class KeepingSupervisor : ReceiveActor
    {
        private readonly IActorRef _probe;

        public KeepingSupervisor(IActorRef probe)
        {
            _probe = probe;
            Receive<ToChild>(m => Context.Child(m.Name)!.Forward(m.Message));
        }

        // In PreStart, not the constructor: a constructor runs again on every restart.
        protected override void PreStart() => Context.ActorOf(Props.Create(() => new Counter(_probe, null)), "child");
        protected override void PreRestart(Exception reason, object? message) { }
        protected override void PostRestart(Exception reason) { }
        protected override SupervisorStrategy SupervisorStrategy() => Always(Directive.Escalate);
    }

    /// <summary>One level of an escalation chain: reports its hooks and decisions; the bottom throws on "boom".</summary>
    private sealed class Level : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly string[] _below;
        private readonly Directive _directive;

        public Level(IActorRef probe, Directive directive, string[] below)
        {
            _probe = probe;
            _below = below;
            _directive = directive;
            Receive<string>(s => s == "boom", _ => throw new InvalidOperationException($"{Self.Path.Name} failed"));
            Receive<string>(s => s == "ping", _ => Sender.Tell($"pong {Self.Path.Name}"));
        }

        protected override void PreStart()
        {
            if (_below.Length > 0)
                Context.ActorOf(Props.Create(() => new Level(_probe, Directive.Escalate, _below[1..])), _below[0]);
            _probe.Tell(new Started(Self.Path.Name, Self));
        }

        protected override void PreRestart(Exception reason, object? message)
        {
            _probe.Tell($"{Self.Path.Name} prerestart");
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell(new Restarted(Self.Path.Name, reason));
            base.PostRestart(reason);
        }

        protected override void PostStop() => _probe.Tell(new Stopped(Self.Path.Name));

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _probe.Tell(new Decided(Self.Path.Name, ex, _directive));
            return _directive;
        });
    }

    private static SupervisorStrategy Always(Directive directive) => new OneForOneStrategy(_ => directive);

    private IActorRef StartSupervisor(SupervisorStrategy strategy, TestProbe probe, params string[] children)
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, probe.Ref, children)));
        foreach (var _ in children) probe.ExpectMsg<Started>();
        return supervisor;
    }

    [Fact]
    public void Restart_drops_only_the_failing_message_and_keeps_the_rest_of_the_mailbox_in_order()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Props.Create(() => new Counter(TestActor, gate)));

        // Everything is queued behind a blocked handler, so the failure happens with a full mailbox.
        actor.Tell("block");
        actor.Tell(1);
        actor.Tell(new Fail("second message fails"));
        actor.Tell(3);
        actor.Tell(4);
        actor.Tell(5);
        gate.Set();

        var first = ExpectMsg<Seen>();
        first.Message.Should().Be(1);
        ExpectMsg<Restarted>().Cause.Message.Should().Be("second message fails");
        var afterRestart = new[] { ExpectMsg<Seen>(), ExpectMsg<Seen>(), ExpectMsg<Seen>() };
        afterRestart.Select(s => s.Message).Should().Equal(3, 4, 5);
        afterRestart.Select(s => s.CountSoFar).Should().Equal([1, 2, 3], "the restart reset the state");
        afterRestart.Should().OnlyContain(s => s.Instance != first.Instance);
        ExpectNoMsg();
    }

    [Fact]
    public void Resume_keeps_the_state_and_the_instance()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(Always(Directive.Resume), probe, "child");

        supervisor.Tell(new ToChild("child", 1));
        supervisor.Tell(new ToChild("child", 2));
        supervisor.Tell(new ToChild("child", new Fail("resume me")));
        supervisor.Tell(new ToChild("child", 3));

        var seen = new[] { probe.ExpectMsg<Seen>(), probe.ExpectMsg<Seen>(), probe.ExpectMsg<Seen>() };
        seen.Select(s => s.CountSoFar).Should().Equal(1, 2, 3);
        seen.Select(s => s.Instance).Distinct().Should().ContainSingle();
        probe.ExpectNoMsg(); // no Restarted, no Stopped
    }

    [Fact]
    public void Resume_decided_above_an_escalation_resumes_the_failing_child_with_its_state()
    {
        var probe = CreateTestProbe();
        var middle = Props.Create(() => new Supervisor(Always(Directive.Escalate), probe.Ref, "child"));
        var top = Sys.ActorOf(Props.Create(() => new Wrapper(Always(Directive.Resume), middle, "middle")));
        probe.ExpectMsg<Started>();
        void ToCounter(object message) => top.Tell(new ToChild("middle", new ToChild("child", message)));

        ToCounter(1);
        ToCounter(2);
        ToCounter(new Fail("escalated, then resumed"));
        ToCounter(3);

        var seen = new[] { probe.ExpectMsg<Seen>(), probe.ExpectMsg<Seen>(), probe.ExpectMsg<Seen>() };
        seen.Select(s => s.Message).Should().Equal(1, 2, 3);
        seen.Select(s => s.CountSoFar).Should().Equal(1, 2, 3);
        seen.Select(s => s.Instance).Distinct().Should().ContainSingle();
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Restart_decided_above_an_escalation_restarts_a_kept_failing_child_which_then_carries_on()
    {
        var probe = CreateTestProbe();
        var middle = Props.Create(() => new KeepingSupervisor(probe.Ref));
        var top = Sys.ActorOf(Props.Create(() => new Wrapper(Always(Directive.Restart), middle, "middle")));
        void ToCounter(object message) => top.Tell(new ToChild("middle", new ToChild("child", message)));

        ToCounter(1);
        ToCounter(new Fail("escalated, then restarted"));
        ToCounter(2);

        probe.ExpectMsg<Seen>().CountSoFar.Should().Be(1);
        probe.ExpectMsg<Restarted>().Cause.Message.Should().Be("escalated, then restarted");
        var after = probe.ExpectMsg<Seen>();
        after.Message.Should().Be(2);
        after.CountSoFar.Should().Be(1, "the child was restarted with its parent");
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Stop_stops_the_failing_child()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(Always(Directive.Stop), probe, "child");
        var child = probe.LastMessage.Should().BeOfType<Started>().Which.Self;
        Watch(child);

        supervisor.Tell(new ToChild("child", new Fail("stop me")));

        probe.ExpectMsg(new Stopped("child"));
        ExpectTerminated(child);
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Restarts_beyond_MaxNrOfRetries_within_the_window_stop_the_child()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var supervisor = StartSupervisor(strategy, probe, "child");
        var child = ((Started)probe.LastMessage!).Self;
        Watch(child);

        supervisor.Tell(new ToChild("child", new Fail("1")));
        probe.ExpectMsg<Restarted>();
        supervisor.Tell(new ToChild("child", new Fail("2")));
        probe.ExpectMsg<Restarted>();
        supervisor.Tell(new ToChild("child", new Fail("3")));

        probe.ExpectMsg(new Stopped("child"));
        ExpectTerminated(child);
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Failures_further_apart_than_the_window_start_a_new_count()
    {
        var probe = CreateTestProbe();
        var window = TimeSpan.FromSeconds(1); // the restart between failures 2 and 3 must fit in it, even on a loaded machine
        var strategy = new OneForOneStrategy(1, window, _ => Directive.Restart);
        var supervisor = StartSupervisor(strategy, probe, "child");
        var child = ((Started)probe.LastMessage!).Self;
        Watch(child);

        supervisor.Tell(new ToChild("child", new Fail("1")));
        probe.ExpectMsg<Restarted>();
        probe.ExpectNoMsg(window * 1.2); // lets the window pass
        // Back to back, so that both fall in one window whatever the test thread's latency.
        supervisor.Tell(new ToChild("child", new Fail("2, in a new window")));
        supervisor.Tell(new ToChild("child", new Fail("3, second in that window")));

        probe.ExpectMsg<Restarted>().Cause.Message.Should().StartWith("2");
        probe.ExpectMsg(new Stopped("child"));
        ExpectTerminated(child);
    }

    [Fact]
    public void An_escalated_failure_that_the_top_restarts_restarts_the_escalating_actor_and_stops_everything_below_it()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Level(probe.Ref, Directive.Restart, new[] { "parent", "child", "grandchild" })), "top");
        var started = probe.ReceiveN(4).Cast<Started>().ToDictionary(s => s.Name, s => s.Self);
        var top = started["top"];

        started["grandchild"].Tell("boom");

        var events = probe.ReceiveN(11);
        var decisions = events.OfType<Decided>().ToList();
        decisions.Select(d => (d.Supervisor, d.Directive)).Should().Equal(
            ("child", Directive.Escalate), ("parent", Directive.Escalate), ("top", Directive.Restart));
        decisions.Select(d => d.Cause.Message).Should().AllBe("grandchild failed", "every level sees the original exception");

        var names = events.Select(Describe).ToList();
        names.Should().Contain(["parent prerestart", "stopped parent", "stopped child", "stopped grandchild", "restarted parent",
            "started parent", "started child", "started grandchild"]);
        events.OfType<Restarted>().Should().ContainSingle().Which.Cause.Message.Should().Be("grandchild failed");
        names.IndexOf("decided top").Should().BeLessThan(names.IndexOf("parent prerestart"));
        names.IndexOf("stopped grandchild").Should().BeLessThan(names.IndexOf("stopped child"), "children stop before their parent");
        names.IndexOf("stopped child").Should().BeLessThan(names.IndexOf("restarted parent"), "the restart waits for the stopped children");
        names.IndexOf("restarted parent").Should().BeLessThan(names.IndexOf("started child"), "the new parent instance creates a new child");
        names.Should().NotContain(["child prerestart", "grandchild prerestart", "top prerestart", "stopped top"]);
        probe.ExpectNoMsg();

        top.Tell("ping");
        ExpectMsg("pong top");
        var newGrandchild = events.OfType<Started>().Single(s => s.Name == "grandchild").Self;
        newGrandchild.Should().NotBe(started["grandchild"]);
        newGrandchild.Tell("ping");
        ExpectMsg("pong grandchild");
    }

    [Fact]
    public void An_escalated_failure_that_the_top_stops_stops_the_whole_subtree_below_the_top()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Level(probe.Ref, Directive.Stop, new[] { "parent", "child", "grandchild" })), "top");
        var started = probe.ReceiveN(4).Cast<Started>().ToDictionary(s => s.Name, s => s.Self);
        Watch(started["parent"]);

        started["grandchild"].Tell("boom");

        var events = probe.ReceiveN(6).Select(Describe).ToList();
        events.Should().Equal("decided child", "decided parent", "decided top", "stopped grandchild", "stopped child", "stopped parent");
        ExpectTerminated(started["parent"]);
        probe.ExpectNoMsg();

        started["top"].Tell("ping");
        ExpectMsg("pong top");
    }

    private sealed record BlockThenFail(ManualResetEventSlim Gate);

    private sealed record ParentPreRestart(Exception Cause, object? Message);

    /// <summary>Fails on Fail; on BlockThenFail, waits for the gate and then fails.</summary>
    private sealed class Worker : ReceiveActor
    {
        public Worker(IActorRef probe)
        {
            Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
            Receive<BlockThenFail>(b =>
            {
                probe.Tell("blocked");
                b.Gate.Wait(TimeSpan.FromSeconds(10));
                throw new InvalidOperationException("second failure");
            });
        }
    }

    /// <summary>Escalates every failure of its two workers; reports its restart hooks.</summary>
    private sealed class EscalatingParent : ReceiveActor
    {
        private readonly IActorRef _probe;

        public EscalatingParent(IActorRef probe)
        {
            _probe = probe;
            Receive<ToChild>(m => Context.Child(m.Name)!.Forward(m.Message));
            Receive<string>(s => s == "ping", _ => Sender.Tell("pong"));
        }

        protected override void PreStart()
        {
            Context.ActorOf(Props.Create(() => new Worker(_probe)), "w1");
            Context.ActorOf(Props.Create(() => new Worker(_probe)), "w2");
        }

        protected override void PreRestart(Exception reason, object? message)
        {
            _probe.Tell(new ParentPreRestart(reason, message));
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell("parent restarted");
            base.PostRestart(reason);
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Escalate);
    }

    /// <summary>Restarts its one child, "parent", on any failure, and forwards everything to it.</summary>
    private sealed class Top : ReceiveActor
    {
        private readonly IActorRef _probe;

        public Top(IActorRef probe)
        {
            _probe = probe;
            var parent = Context.ActorOf(Props.Create(() => new EscalatingParent(probe)), "parent");
            ReceiveAny(m => parent.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _probe.Tell(new Decided("top", ex, Directive.Restart));
            return Directive.Restart;
        });
    }

    [Fact]
    public void An_actor_restarted_for_an_escalated_failure_gets_no_message_as_the_failing_one()
    {
        var probe = CreateTestProbe();
        var top = Sys.ActorOf(Props.Create(() => new Top(probe.Ref)));
        top.Tell("ping");
        ExpectMsg("pong"); // handled successfully: it must not be taken for the failing message

        top.Tell(new ToChild("w1", new Fail("first failure")));

        probe.ExpectMsg<Decided>();
        var pre = probe.ExpectMsg<ParentPreRestart>();
        pre.Cause.Message.Should().Be("first failure");
        pre.Message.Should().BeNull("no message of the parent failed; its child's failure was escalated");
        probe.ExpectMsg("parent restarted");
    }

    [Fact]
    public void An_actor_that_already_failed_reports_only_its_first_failure()
    {
        using var gate = new ManualResetEventSlim();
        var probe = CreateTestProbe();
        var top = Sys.ActorOf(Props.Create(() => new Top(probe.Ref)));
        top.Tell(new ToChild("w2", new BlockThenFail(gate)));
        probe.ExpectMsg("blocked");

        // w1's failure is escalated: the parent fails and is being restarted when w2 fails too.
        top.Tell(new ToChild("w1", new Fail("first failure")));
        probe.ExpectMsg<Decided>().Cause.Message.Should().Be("first failure");
        probe.ExpectMsg<ParentPreRestart>();
        gate.Set();

        probe.ExpectMsg("parent restarted");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no second decision, no second restart
        top.Tell("ping");
        ExpectMsg("pong");
    }

    private static string Describe(object e) => e switch
    {
        Decided d => $"decided {d.Supervisor}",
        Stopped s => $"stopped {s.Name}",
        Started s => $"started {s.Name}",
        Restarted r => $"restarted {r.Name}",
        string s => s,
        _ => e.ToString()!,
    };

    [Fact]
    public void AllForOneStrategy_restarts_the_siblings_of_a_failing_child()
    {
        var probe = CreateTestProbe();
        var strategy = new AllForOneStrategy(_ => Directive.Restart);
        var supervisor = StartSupervisor(strategy, probe, "a", "b");

        supervisor.Tell(new ToChild("b", 1));
        supervisor.Tell(new ToChild("b", 2));
        probe.ExpectMsg<Seen>().CountSoFar.Should().Be(1);
        probe.ExpectMsg<Seen>().CountSoFar.Should().Be(2);

        supervisor.Tell(new ToChild("a", new Fail("a failed")));

        var restarts = new[] { probe.ExpectMsg<Restarted>(), probe.ExpectMsg<Restarted>() };
        restarts.Select(r => r.Name).Should().BeEquivalentTo("a", "b");
        restarts.Should().OnlyContain(r => r.Cause.Message == "a failed");
        supervisor.Tell(new ToChild("b", GetCount));
        ExpectMsg(0); // the sibling's state was reset by its restart
        probe.ExpectNoMsg();
    }

    [Fact]
    public void OneForOneStrategy_leaves_the_siblings_alone()
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(new OneForOneStrategy(_ => Directive.Restart), probe, "a", "b");
        supervisor.Tell(new ToChild("b", 1));
        probe.ExpectMsg<Seen>();

        supervisor.Tell(new ToChild("a", new Fail("a failed")));

        probe.ExpectMsg<Restarted>().Name.Should().Be("a");
        supervisor.Tell(new ToChild("b", GetCount));
        ExpectMsg(1);
        probe.ExpectNoMsg();
    }

    [Fact]
    public async Task A_handler_exception_never_takes_down_other_actors_or_the_thread_pool()
    {
        const int throwers = 40;
        var attempts = new int[throwers];
        using var stop = new CancellationTokenSource();
        var actors = Enumerable.Range(0, throwers)
            .Select(i => Sys.ActorOf(Props.Create(() => new AlwaysThrows(attempts, i, stop.Token)), $"thrower-{i}"))
            .ToArray();
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        // A backlog of failures in every mailbox, and each failure queues the next one.
        for (var n = 0; n < 100; n++)
            foreach (var thrower in actors)
                thrower.Tell(n);

        // While every thrower fails over and over, an unrelated actor keeps answering.
        await AwaitConditionAsync(() => attempts.All(n => n >= 10), TimeSpan.FromSeconds(10), "every thrower keeps failing");
        for (var i = 0; i < 200; i++)
            (await echo.Ask<int>(i, Dilated(TimeSpan.FromSeconds(5)))).Should().Be(i);
        var before = attempts.Sum();
        await AwaitConditionAsync(() => attempts.Sum() > before + throwers, TimeSpan.FromSeconds(10), "the throwers were still failing");

        await stop.CancelAsync();
        foreach (var thrower in actors)
            (await thrower.Ask<string>("alive?", Dilated(TimeSpan.FromSeconds(5)))).Should().Be("alive");
        var newcomer = Sys.ActorOf(Props.Create(() => new Echo()));
        (await newcomer.Ask<string>("hello", Dilated(TimeSpan.FromSeconds(5)))).Should().Be("hello");
    }

    /// <summary>Fails on every number, after sending itself the next one, until told to stop.</summary>
    private sealed class AlwaysThrows : ReceiveActor
    {
        public AlwaysThrows(int[] attempts, int index, CancellationToken stop)
        {
            Receive<int>(n =>
            {
                Interlocked.Increment(ref attempts[index]);
                if (!stop.IsCancellationRequested) Self.Tell(n + 1);
                throw new InvalidOperationException($"failure {n}");
            });
            Receive<string>(_ => Sender.Tell("alive"));
        }
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    public static TheoryData<string, Directive> DefaultDecisions => new()
    {
        { nameof(ActorInitializationException), Directive.Stop },
        { nameof(ActorKilledException), Directive.Stop },
        { nameof(DeathPactException), Directive.Stop },
        { nameof(InvalidOperationException), Directive.Restart },
        { nameof(ArgumentException), Directive.Restart },
        { nameof(Exception), Directive.Restart },
    };

    private Exception Make(string type) => type switch
    {
        nameof(ActorInitializationException) => new ActorInitializationException(TestActor, "init"),
        nameof(ActorKilledException) => new ActorKilledException("killed"),
        nameof(DeathPactException) => new DeathPactException(TestActor),
        nameof(InvalidOperationException) => new InvalidOperationException("op"),
        nameof(ArgumentException) => new ArgumentException("arg"),
        _ => new Exception("plain"),
    };

    [Theory]
    [MemberData(nameof(DefaultDecisions))]
    public void The_default_decider_maps_the_exception_to_its_directive(string exceptionType, Directive expected)
    {
        SupervisorStrategy.DefaultDecider(Make(exceptionType)).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(DefaultDecisions))]
    public void The_default_strategy_stops_or_restarts_a_failing_child_as_the_default_decider_says(string exceptionType, Directive expected)
    {
        var probe = CreateTestProbe();
        var supervisor = StartSupervisor(SupervisorStrategy.DefaultStrategy, probe, "child");
        var child = ((Started)probe.LastMessage!).Self;
        Watch(child);

        supervisor.Tell(new ToChild("child", new Throw(Make(exceptionType))));

        if (expected == Directive.Stop)
        {
            probe.ExpectMsg(new Stopped("child"));
            ExpectTerminated(child);
        }
        else
        {
            probe.ExpectMsg<Restarted>().Cause.GetType().Name.Should().Be(exceptionType);
            supervisor.Tell(new ToChild("child", 1));
            probe.ExpectMsg<Seen>();
            ExpectNoMsg();
        }
    }
}
