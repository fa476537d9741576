using LlmSpell.Actors.Routing;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Routing;

public sealed class SmallestMailboxPoolSpec : TestKit
{
    private sealed record Block(ManualResetEventSlim Gate);

    private sealed record Blocked(IActorRef Routee);

    private sealed record AwaitGate(Task Gate);

    private sealed record Job(int Index);

    private sealed record Done(int Index, IActorRef Routee);

    /// <summary>On Block it stays busy until the gate opens (simulated work); Jobs are answered at once.</summary>
    private sealed class Worker : ReceiveActor
    {
        public Worker()
        {
            Receive<Block>(b =>
            {
                Sender.Tell(new Blocked(Self));
                b.Gate.Wait(TimeSpan.FromSeconds(5));
            });
            ReceiveAsync<AwaitGate>(async a =>
            {
                Sender.Tell(new Blocked(Self));
                await a.Gate; // e.g. an LLM call awaited in the handler
            });
            Receive<Job>(j => Sender.Tell(new Done(j.Index, Self)));
        }
    }

    private IActorRef StartPool(int size) =>
        Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(new SmallestMailboxPool(size)), "router");

    [Fact]
    public async Task A_busy_routee_is_skipped_while_another_is_idle()
    {
        using var gate = new ManualResetEventSlim();
        var router = StartPool(2);
        router.Tell(new Block(gate));
        var busy = (await ExpectMsgAsync<Blocked>()).Routee;
        busy.Tell(new Job(-1)); // queued behind the block
        busy.Tell(new Job(-2));

        for (var i = 0; i < 10; i++)
        {
            router.Tell(new Job(i));
            (await ExpectMsgAsync<Done>()).Routee.Should().NotBe(busy, "job {0} was routed while that routee was busy", i);
        }

        gate.Set();
        (await ReceiveNAsync(2)).Cast<Done>().Should().OnlyContain(d => d.Routee.Equals(busy));
    }

    [Fact]
    public async Task When_all_routees_are_busy_the_one_with_the_fewest_queued_messages_gets_the_message()
    {
        using var gate = new ManualResetEventSlim();
        var router = StartPool(2);
        router.Tell(new Block(gate));
        var longer = (await ExpectMsgAsync<Blocked>()).Routee;
        router.Tell(new Block(gate));
        var shorter = (await ExpectMsgAsync<Blocked>()).Routee;
        shorter.Should().NotBe(longer, "the second block must go to the idle routee");
        longer.Tell(new Job(-1));
        longer.Tell(new Job(-2));

        router.Tell(new Job(7));
        // The router answers in order, so Job 7 has been routed once this reply is here.
        await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3));
        gate.Set();

        var done = (await ReceiveNAsync(3)).Cast<Done>().ToList();
        done.Single(d => d.Index == 7).Routee.Should().Be(shorter);
    }

    [Fact]
    public async Task A_routee_awaiting_an_async_handler_counts_as_busy()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = StartPool(2);
        router.Tell(new AwaitGate(gate.Task));
        var awaiting = (await ExpectMsgAsync<Blocked>()).Routee;

        for (var i = 0; i < 5; i++)
        {
            router.Tell(new Job(i));
            (await ExpectMsgAsync<Done>()).Routee.Should().NotBe(awaiting, "job {0} was routed to a routee still awaiting its handler", i);
        }

        gate.SetResult();
    }
}
