using LlmSpell.Actors.Routing;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Routing;

public sealed class RoundRobinPoolSpec : TestKit
{
    private sealed record Job(int Index);

    private sealed record Done(int Index, IActorRef Routee);

    private sealed class Worker : ReceiveActor
    {
        public Worker() => Receive<Job>(j => Sender.Tell(new Done(j.Index, Self)));
    }

    private async Task<(IActorRef Router, IReadOnlyList<IActorRef> Routees)> StartPool(int size)
    {
        var router = Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(new RoundRobinPool(size)), "router");
        var routees = (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members;
        return (router, routees);
    }

    private async Task<List<Done>> SendJobs(IActorRef router, int count)
    {
        for (var i = 0; i < count; i++) router.Tell(new Job(i));
        return (await ReceiveNAsync(count)).Cast<Done>().OrderBy(d => d.Index).ToList();
    }

    [Fact]
    public async Task Messages_go_to_the_routees_in_turn_in_the_order_of_GetRoutees()
    {
        var (router, routees) = await StartPool(3);

        var done = await SendJobs(router, 9);

        done.Select(d => d.Routee).Should().Equal(Enumerable.Range(0, 9).Select(i => routees[i % 3]));
    }

    [Fact]
    public async Task Every_routee_gets_the_same_share()
    {
        var (router, routees) = await StartPool(4);

        var done = await SendJobs(router, 40);

        done.GroupBy(d => d.Routee).Should().HaveCount(4).And.OnlyContain(g => g.Count() == 10);
        done.Select(d => d.Routee).Distinct().Should().BeEquivalentTo(routees);
    }

    [Fact]
    public async Task The_routee_sees_the_original_sender()
    {
        var (router, _) = await StartPool(2);
        var probe = CreateTestProbe();

        router.Tell(new Job(1), probe.Ref);

        (await probe.ExpectMsgAsync<Done>()).Index.Should().Be(1);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }
}
