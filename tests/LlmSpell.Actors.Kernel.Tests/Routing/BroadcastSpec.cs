using LlmSpell.Actors.Routing;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Routing;

public sealed class BroadcastSpec : TestKit
{
    private sealed record Hello(string Text);

    private sealed record Job(int Index);

    private sealed record Answer(object Message, IActorRef Routee);

    private sealed class Worker : ReceiveActor
    {
        public Worker() => ReceiveAny(m => Sender.Tell(new Answer(m, Self)));
    }

    public static TheoryData<string> PoolKinds => ["round-robin", "smallest-mailbox", "consistent-hashing"];

    private static Pool PoolOf(string kind, int size) => kind switch
    {
        "round-robin" => new RoundRobinPool(size),
        "smallest-mailbox" => new SmallestMailboxPool(size),
        _ => new ConsistentHashingPool(size),
    };

    [Theory]
    [MemberData(nameof(PoolKinds))]
    public async Task Broadcast_delivers_the_message_to_every_routee(string kind)
    {
        var router = Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(PoolOf(kind, 3)), "router");
        var routees = (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members;

        router.Tell(new Broadcast(new Hello("all")));

        var replies = (await ReceiveNAsync(3)).Cast<Answer>().ToList();
        replies.Should().OnlyContain(r => r.Message.Equals(new Hello("all")), "routees get the message, not the Broadcast");
        replies.Select(r => r.Routee).Should().BeEquivalentTo(routees);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Broadcast_does_not_move_the_round_robin_on()
    {
        var router = Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(new RoundRobinPool(3)), "router");
        var routees = (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members;

        router.Tell(new Broadcast(new Hello("all")));
        await ReceiveNAsync(3);
        router.Tell(new Job(0));

        (await ExpectMsgAsync<Answer>()).Routee.Should().Be(routees[0]);
    }

    [Fact]
    public async Task Broadcasting_a_PoisonPill_stops_every_routee_and_then_the_router()
    {
        var router = Watch(Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(new RoundRobinPool(3)), "router"));
        var routees = (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members;
        foreach (var r in routees) Watch(r);

        router.Tell(new Broadcast(PoisonPill.Instance));

        // The router itself got no PoisonPill: it stops because its last routee is gone.
        var terminated = (await ReceiveNAsync(4)).Cast<Terminated>().Select(t => t.ActorRef).ToList();
        terminated.Should().BeEquivalentTo(routees.Append(router));
    }
}
