using LlmSpell.Actors.Event;
using LlmSpell.Actors.Routing;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Routing;

public sealed class ConsistentHashingPoolSpec : TestKit
{
    private sealed record Keyed(string Key) : IConsistentHashable
    {
        public object ConsistentHashKey => Key;
    }

    private sealed record Plain(string Text);

    private sealed record Handled(object Message, IActorRef Routee, int Count);

    /// <summary>Answers every message with what it got, who it is and how many it has handled.</summary>
    private sealed class Worker : ReceiveActor
    {
        private int _count;

        public Worker() => ReceiveAny(m => Sender.Tell(new Handled(m, Self, ++_count)));
    }

    private IActorRef StartPool(int size, Func<object, object?>? hashMapping = null) =>
        Sys.ActorOf(Props.Create(() => new Worker()).WithRouter(new ConsistentHashingPool(size, hashMapping)), "router");

    private async Task<List<Handled>> ReceiveHandled(int n) => (await ReceiveNAsync(n)).Cast<Handled>().ToList();

    [Fact]
    public async Task Messages_with_the_same_key_go_to_the_same_routee()
    {
        var router = StartPool(5);

        for (var round = 0; round < 3; round++)
            for (var k = 0; k < 20; k++) router.Tell(new Keyed($"key-{k}"));

        var handled = await ReceiveHandled(60);
        handled.GroupBy(h => ((Keyed)h.Message).Key)
            .Should().HaveCount(20).And.OnlyContain(g => g.Select(h => h.Routee).Distinct().Count() == 1);
    }

    [Fact]
    public async Task Different_keys_are_spread_over_the_routees()
    {
        var router = StartPool(5);

        for (var k = 0; k < 100; k++) router.Tell(new Keyed($"customer-{k}"));

        var handled = await ReceiveHandled(100);
        var perRoutee = handled.GroupBy(h => h.Routee).Select(g => g.Count()).ToList();
        perRoutee.Should().HaveCountGreaterThanOrEqualTo(4, "100 keys should reach (nearly) every one of 5 routees");
        perRoutee.Max().Should().BeLessThanOrEqualTo(60, "no routee should get most of the keys");
    }

    [Fact]
    public async Task An_envelope_routes_by_its_key_and_delivers_only_the_inner_message()
    {
        var router = StartPool(5);

        for (var i = 0; i < 3; i++) router.Tell(new ConsistentHashableEnvelope(new Plain($"m{i}"), "user-1"));

        var handled = await ReceiveHandled(3);
        handled.Select(h => h.Message).Should().Equal(new Plain("m0"), new Plain("m1"), new Plain("m2"));
        handled.Select(h => h.Routee).Distinct().Should().HaveCount(1);
    }

    [Fact]
    public async Task The_hash_mapping_gives_plain_messages_their_key()
    {
        var router = StartPool(5, m => m is Plain p ? p.Text.Split(':')[0] : null);

        for (var i = 0; i < 4; i++)
        {
            router.Tell(new Plain($"alice:{i}"));
            router.Tell(new Plain($"bob:{i}"));
        }

        var handled = await ReceiveHandled(8);
        handled.GroupBy(h => ((Plain)h.Message).Text.Split(':')[0])
            .Should().OnlyContain(g => g.Select(h => h.Routee).Distinct().Count() == 1);
    }

    [Fact]
    public async Task A_message_without_a_key_becomes_a_dead_letter_and_the_router_keeps_its_routees()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var router = StartPool(3);
        router.Tell(new Keyed("a"));
        var first = await ExpectMsgAsync<Handled>();

        router.Tell(new Plain("no key"));

        var dead = await deadLetters.ExpectMsgAsync<DeadLetter>();
        dead.Message.Should().Be(new Plain("no key"));
        dead.Sender.Should().Be(TestActor);
        // The same routee, not restarted: its count goes on.
        router.Tell(new Keyed("a"));
        var second = await ExpectMsgAsync<Handled>();
        second.Routee.Should().Be(first.Routee);
        second.Count.Should().Be(first.Count + 1);
    }

    [Fact]
    public async Task When_a_routee_goes_only_its_keys_move()
    {
        var router = StartPool(5);
        var keys = Enumerable.Range(0, 50).Select(k => $"order-{k}").ToList();
        foreach (var k in keys) router.Tell(new Keyed(k));
        var before = (await ReceiveHandled(50)).ToDictionary(h => ((Keyed)h.Message).Key, h => h.Routee);
        var gone = before.Values.GroupBy(r => r).OrderByDescending(g => g.Count()).First().Key;

        Sys.Stop(gone);
        await AwaitAssertAsync(async () =>
            (await router.Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3))).Members.Should().HaveCount(4));
        foreach (var k in keys) router.Tell(new Keyed(k));

        var after = (await ReceiveHandled(50)).ToDictionary(h => ((Keyed)h.Message).Key, h => h.Routee);
        after.Values.Should().NotContain(gone);
        foreach (var k in keys.Where(k => !before[k].Equals(gone))) after[k].Should().Be(before[k], "key {0} was not on the stopped routee", k);
    }
}
