using LlmSpell.Actors.Routing;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Routing;

/// <summary>What every pool does: owns, supervises and outlives (or not) its routees.</summary>
public sealed class PoolSpec : TestKit
{
    private sealed class Count
    {
        public static readonly Count Instance = new();
    }

    private sealed record Crash(string Reason);

    private sealed record Counted(int N, IActorRef Routee);

    private sealed record Restarted(IActorRef Routee);

    private sealed record Escalated(string Reason);

    /// <summary>Counts, crashes on request, and tells the observer when it was restarted.</summary>
    private sealed class Worker : ReceiveActor
    {
        private readonly IActorRef _observer;
        private int _count;

        public Worker(IActorRef observer)
        {
            _observer = observer;
            Receive<Count>(_ => Sender.Tell(new Counted(++_count, Self)));
            Receive<Crash>(c => throw new InvalidOperationException(c.Reason));
        }

        protected override void PostRestart(Exception reason) => _observer.Tell(new Restarted(Self));
    }

    /// <summary>Creates the router as its child; reports what its strategy is asked to decide, then restarts.</summary>
    private sealed class RouterParent : ReceiveActor
    {
        private readonly IActorRef _observer;

        public RouterParent(Props routerProps, IActorRef observer)
        {
            _observer = observer;
            var router = Context.ActorOf(routerProps, "router");
            ReceiveAny(_ => Sender.Tell(router));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _observer.Tell(new Escalated(ex.Message));
            return Directive.Restart;
        });
    }

    private Props WorkerPool(Pool pool, IActorRef? observer = null)
    {
        var o = observer ?? ActorRefs.Nobody;
        return Props.Create(() => new Worker(o)).WithRouter(pool);
    }

    private static async Task<IReadOnlyList<IActorRef>> RouteesOf(IActorRef router) =>
        (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members;

    private async Task<int> CountOn(IActorRef routee)
    {
        routee.Tell(Count.Instance);
        return (await ExpectMsgAsync<Counted>()).N;
    }

    [Fact]
    public async Task GetRoutees_replies_the_routees_which_are_children_of_the_router()
    {
        var router = Sys.ActorOf(WorkerPool(new RoundRobinPool(3)), "router");

        var routees = await RouteesOf(router);

        routees.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        routees.Should().OnlyContain(r => r.Path.Parent!.Equals(router.Path));
    }

    [Fact]
    public async Task A_Resume_strategy_keeps_the_failing_routees_state()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Resume);
        var router = Sys.ActorOf(WorkerPool(new RoundRobinPool(2, strategy)), "router");
        var routee = (await RouteesOf(router))[0];
        (await CountOn(routee)).Should().Be(1);

        routee.Tell(new Crash("resume me"));

        (await CountOn(routee)).Should().Be(2);
    }

    [Fact]
    public async Task A_Restart_strategy_resets_only_the_failing_routee()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(_ => Directive.Restart);
        var router = Sys.ActorOf(WorkerPool(new RoundRobinPool(2).WithSupervisorStrategy(strategy), probe.Ref), "router");
        var routees = await RouteesOf(router);
        (await CountOn(routees[0])).Should().Be(1);
        (await CountOn(routees[1])).Should().Be(1);

        routees[0].Tell(new Crash("restart me"));

        (await probe.ExpectMsgAsync<Restarted>()).Routee.Should().Be(routees[0]);
        (await CountOn(routees[0])).Should().Be(1);
        (await CountOn(routees[1])).Should().Be(2);
        (await RouteesOf(router)).Should().Equal(routees);
    }

    [Fact]
    public async Task A_Stop_strategy_removes_the_failing_routee_and_the_rest_keep_working()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Stop);
        var router = Sys.ActorOf(WorkerPool(new RoundRobinPool(2, strategy)), "router");
        var routees = await RouteesOf(router);
        Watch(routees[0]);

        routees[0].Tell(new Crash("stop me"));
        await ExpectTerminatedAsync(routees[0]);

        await AwaitAssertAsync(async () => (await RouteesOf(router)).Should().Equal(routees[1]));
        for (var i = 0; i < 3; i++)
        {
            router.Tell(Count.Instance);
            (await ExpectMsgAsync<Counted>()).Routee.Should().Be(routees[1]);
        }
    }

    [Fact]
    public async Task By_default_a_routee_failure_escalates_and_the_routers_restart_restarts_all_routees()
    {
        var probe = CreateTestProbe();
        var routerProps = WorkerPool(new RoundRobinPool(2), probe.Ref);
        var parent = Sys.ActorOf(Props.Create(() => new RouterParent(routerProps, probe.Ref)), "parent");
        var router = await parent.Ask<IActorRef>("router?", TimeSpan.FromSeconds(3));
        var routees = await RouteesOf(router);
        (await CountOn(routees[0])).Should().Be(1);
        (await CountOn(routees[1])).Should().Be(1);

        routees[0].Tell(new Crash("escalate me"));

        await probe.ExpectMsgAsync(new Escalated("escalate me"));
        var restarted = new[] { await probe.ExpectMsgAsync<Restarted>(), await probe.ExpectMsgAsync<Restarted>() };
        restarted.Select(r => r.Routee).Should().BeEquivalentTo(routees);
        (await CountOn(routees[0])).Should().Be(1);
        (await CountOn(routees[1])).Should().Be(1);
        (await RouteesOf(router)).Should().BeEquivalentTo(routees);
    }

    [Fact]
    public async Task The_router_stops_when_all_its_routees_have_stopped()
    {
        var router = Watch(Sys.ActorOf(WorkerPool(new RoundRobinPool(2)), "router"));
        var routees = await RouteesOf(router);

        Sys.Stop(routees[0]);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Sys.Stop(routees[1]);

        await ExpectTerminatedAsync(router);
    }

    [Fact]
    public async Task Stopping_the_router_stops_its_routees()
    {
        var router = Sys.ActorOf(WorkerPool(new RoundRobinPool(2)), "router");
        var routees = await RouteesOf(router);
        foreach (var r in routees) Watch(r);

        Sys.Stop(router);

        var terminated = new[] { await ExpectMsgAsync<Terminated>(), await ExpectMsgAsync<Terminated>() };
        terminated.Select(t => t.ActorRef).Should().BeEquivalentTo(routees);
    }
}
