using LlmSpell.Actors.Event;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Event;

public sealed class EventStreamSpec : TestKit
{
    private abstract record Animal(string Name);

    private sealed record Dog(string Name) : Animal(Name);

    private sealed record Cat(string Name) : Animal(Name);

    private sealed record Weather(string Sky);

    private sealed record Handled(string Text);

    /// <summary>Handles only <see cref="Handled"/>; anything else is unhandled.</summary>
    private sealed class Picky : ReceiveActor
    {
        public Picky() => Receive<Handled>(h => Sender.Tell(h));
    }

    /// <summary>Passes what it gets to the target (a subscriber that can be stopped).</summary>
    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef target) => ReceiveAny(m => target.Tell(m, Sender));
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public async Task A_subscriber_gets_the_events_of_its_type_only()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<Weather>(probe.Ref).Should().BeTrue();

        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Weather("sunny"));

        await probe.ExpectMsgAsync(new Weather("sunny"));
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task A_subscriber_to_a_base_type_gets_its_subtypes()
    {
        var animals = CreateTestProbe();
        var everything = CreateTestProbe();
        Sys.EventStream.Subscribe<Animal>(animals.Ref);
        Sys.EventStream.Subscribe<object>(everything.Ref);

        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        Sys.EventStream.Publish(new Weather("rain"));

        (await animals.ReceiveNAsync(2)).Should().Equal(new Dog("rex"), new Cat("tom"));
        await animals.ExpectNoMsgAsync(Ms(100));
        (await everything.ReceiveNAsync(3)).Should().Equal(new Dog("rex"), new Cat("tom"), new Weather("rain"));
    }

    [Fact]
    public async Task A_subscriber_to_a_type_and_its_base_gets_each_event_once()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<Animal>(probe.Ref);
        Sys.EventStream.Subscribe<Dog>(probe.Ref);

        Sys.EventStream.Publish(new Dog("rex"));

        await probe.ExpectMsgAsync(new Dog("rex"));
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public void Subscribing_twice_or_unsubscribing_what_is_not_there_returns_false()
    {
        var probe = CreateTestProbe();

        Sys.EventStream.Subscribe<Weather>(probe.Ref).Should().BeTrue();
        Sys.EventStream.Subscribe<Weather>(probe.Ref).Should().BeFalse();
        Sys.EventStream.Unsubscribe(probe.Ref, typeof(Weather)).Should().BeTrue();
        Sys.EventStream.Unsubscribe(probe.Ref, typeof(Weather)).Should().BeFalse();
        Sys.EventStream.Unsubscribe(probe.Ref).Should().BeFalse();
    }

    [Fact]
    public async Task Unsubscribing_from_one_type_keeps_the_others()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<Weather>(probe.Ref);
        Sys.EventStream.Subscribe<Dog>(probe.Ref);

        Sys.EventStream.Unsubscribe(probe.Ref, typeof(Weather)).Should().BeTrue();
        Sys.EventStream.Publish(new Weather("fog"));
        Sys.EventStream.Publish(new Dog("rex"));

        await probe.ExpectMsgAsync(new Dog("rex"));
        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task Unsubscribing_a_subscriber_removes_all_its_subscriptions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<Weather>(probe.Ref);
        Sys.EventStream.Subscribe<Animal>(probe.Ref);

        Sys.EventStream.Unsubscribe(probe.Ref).Should().BeTrue();
        Sys.EventStream.Publish(new Weather("fog"));
        Sys.EventStream.Publish(new Cat("tom"));

        await probe.ExpectNoMsgAsync(Ms(100));
    }

    [Fact]
    public async Task A_subscriber_that_stops_is_removed()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var subscriber = Sys.ActorOf(Props.Create(() => new Relay(TestActor)), "subscriber");
        Sys.EventStream.Subscribe<Weather>(subscriber);
        Sys.EventStream.Publish(new Weather("before"));
        await ExpectMsgAsync(new Weather("before"));

        Watch(subscriber);
        Sys.Stop(subscriber);
        await ExpectTerminatedAsync(subscriber);

        // While it is still subscribed, every event to it becomes a dead letter.
        var n = 0;
        await AwaitAssertAsync(async () =>
        {
            Sys.EventStream.Publish(new Weather($"after {++n}"));
            await deadLetters.ExpectNoMsgAsync(Ms(50));
        }, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_message_to_a_stopped_actor_is_published_as_a_DeadLetter()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var gone = Watch(Sys.ActorOf(Props.Create(() => new Picky()), "gone"));
        Sys.Stop(gone);
        await ExpectTerminatedAsync(gone);

        gone.Tell(new Handled("too late"));

        var dead = await deadLetters.ExpectMsgAsync<DeadLetter>();
        dead.Message.Should().Be(new Handled("too late"));
        dead.Sender.Should().Be(TestActor);
        dead.Recipient.Should().Be(gone);
    }

    [Fact]
    public async Task A_message_told_to_DeadLetters_is_published_as_a_DeadLetter()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);

        Sys.DeadLetters.Tell(new Weather("lost"), TestActor);

        var dead = await deadLetters.ExpectMsgAsync<DeadLetter>();
        dead.Message.Should().Be(new Weather("lost"));
        dead.Sender.Should().Be(TestActor);
        dead.Recipient.Should().Be(Sys.DeadLetters);
    }

    [Fact]
    public async Task An_unhandled_message_is_published_as_UnhandledMessage()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(unhandled.Ref);
        var picky = Sys.ActorOf(Props.Create(() => new Picky()), "picky");

        picky.Tell(new Weather("ignored"));
        picky.Tell(new Handled("fine"));

        var message = await unhandled.ExpectMsgAsync<UnhandledMessage>();
        message.Message.Should().Be(new Weather("ignored"));
        message.Sender.Should().Be(TestActor);
        message.Recipient.Should().Be(picky);
        await ExpectMsgAsync(new Handled("fine"));
        await unhandled.ExpectNoMsgAsync(Ms(50));
    }
}
