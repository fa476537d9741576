using LlmSpell.Actors.Event;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class StashSpec : TestKit
{
    private const string Open = "open";
    private const string OpenOne = "open one";
    private const string Boom = "boom";
    private const string Twice = "twice";

    /// <summary>Stashes everything until it is opened; then reports what it receives.</summary>
    private sealed class Gatekeeper : ReceiveActor, IWithStash
    {
        private readonly IActorRef _probe;

        public IStash Stash { get; set; } = null!;

        public Gatekeeper(IActorRef probe)
        {
            _probe = probe;
            Receive<string>(s => s == Open, _ =>
            {
                Become(Opened);
                Stash.UnstashAll();
            });
            Receive<string>(s => s == OpenOne, _ => Stash.Unstash());
            Receive<string>(s => s == Boom, _ => throw new InvalidOperationException("boom while closed"));
            Receive<string>(s => s == Twice, _ =>
            {
                Stash.Stash();
                try
                {
                    Stash.Stash();
                }
                catch (Exception ex)
                {
                    _probe.Tell(ex);
                }
            });
            ReceiveAny(_ => Stash.Stash());
        }

        private void Opened() => ReceiveAny(m => _probe.Tell(m));

        protected override void PostRestart(Exception reason) => _probe.Tell("restarted");
    }

    private IActorRef StartGatekeeper() => Sys.ActorOf(Props.Create(() => new Gatekeeper(TestActor)));

    [Fact]
    public void UnstashAll_replays_the_stashed_messages_in_order_before_later_ones()
    {
        var actor = StartGatekeeper();

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);
        actor.Tell(Open);
        actor.Tell(4);
        actor.Tell(5);

        ReceiveN(5).Should().Equal(1, 2, 3, 4, 5);
        ExpectNoMsg();
    }

    [Fact]
    public void Unstash_returns_the_oldest_stashed_message_first()
    {
        var actor = StartGatekeeper();
        actor.Tell("a");
        actor.Tell("b");

        // While still closed, the one unstashed message is stashed again, at the end.
        actor.Tell(OpenOne);
        actor.Tell(Open);

        ReceiveN(2).Should().Equal("b", "a");
        ExpectNoMsg();
    }

    [Fact]
    public void The_stash_survives_a_restart_and_goes_back_to_the_front_of_the_mailbox()
    {
        var actor = StartGatekeeper();

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(Boom);
        actor.Tell(3);
        actor.Tell(Open);

        ExpectMsg("restarted");
        ReceiveN(3).Should().Equal(1, 2, 3);
        ExpectNoMsg();
    }

    [Fact]
    public void Stashing_the_same_message_twice_is_an_error()
    {
        var actor = StartGatekeeper();

        actor.Tell(Twice);

        ExpectMsg<InvalidOperationException>().Message.Should().Contain(Twice);
        actor.Tell(Open);
        ExpectMsg(Twice); // stashed once, replayed once
        ExpectNoMsg();
    }

    [Fact]
    public void Stashed_messages_go_to_dead_letters_when_the_actor_stops()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = StartGatekeeper();
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(new Identify("stashed by now"));
        ExpectMsg<ActorIdentity>();

        Sys.Stop(actor);

        var dead = new[] { deadLetters.ExpectMsg<DeadLetter>(), deadLetters.ExpectMsg<DeadLetter>() };
        dead.Select(d => d.Message).Should().Equal(1, 2);
        dead.Should().OnlyContain(d => d.Recipient.Equals(actor) && d.Sender.Equals(TestActor));
        ExpectNoMsg();
    }
}
