using LlmSpell.Actors.Event;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Tests.Actor;

public sealed class BehaviorSpec : TestKit
{
    private const string Hi = "hi";
    private const string Count = "count";

    /// <summary>Three behaviours, A (initial), B and C, that answer "hi" with their name.</summary>
    private sealed class Moody : ReceiveActor
    {
        public Moody() => A();

        private void A()
        {
            Receive<string>(s => s == Hi, _ => Sender.Tell("A"));
            Receive<string>(s => s == "only A knows this", s => Sender.Tell(s));
            Common();
        }

        private void B()
        {
            Receive<string>(s => s == Hi, _ => Sender.Tell("B"));
            Common();
        }

        private void C()
        {
            Receive<string>(s => s == Hi, _ => Sender.Tell("C"));
            Common();
        }

        private void Common()
        {
            Receive<string>(s => s == "become B", _ => Become(B));
            Receive<string>(s => s == "become C", _ => Become(C));
            Receive<string>(s => s == "push B", _ => BecomeStacked(B));
            Receive<string>(s => s == "push C", _ => BecomeStacked(C));
            Receive<string>(s => s == "pop", _ => UnbecomeStacked());
        }
    }

    private sealed record Gate(TaskCompletionSource Release);

    private sealed record AwaitThenReply(int Id);

    private sealed record Replied(int Id, IActorRef Self, bool SameSenderAfterAwait);

    private sealed record FailAfterAwait(string Reason);

    private sealed record CancelAfterAwait;

    private sealed record Restarted(Exception Cause);

    /// <summary>Async handlers; the count lives on the instance, so a restart resets it.</summary>
    private sealed class AsyncWorker : ReceiveActor
    {
        private readonly IActorRef _probe;
        private int _count;

        public AsyncWorker(IActorRef probe)
        {
            _probe = probe;
            ReceiveAsync<Gate>(async gate =>
            {
                _probe.Tell("started");
                await gate.Release.Task;
                _probe.Tell("finished");
            });
            ReceiveAsync<AwaitThenReply>(async m =>
            {
                var before = Sender;
                await Task.Delay(20);
                await Task.Yield();
                Sender.Tell(new Replied(m.Id, Self, Sender.Equals(before)));
            });
            ReceiveAsync<FailAfterAwait>(async m =>
            {
                _count++;
                await Task.Delay(10);
                throw new InvalidOperationException(m.Reason);
            });
            ReceiveAsync<CancelAfterAwait>(async _ =>
            {
                _count++;
                using var cts = new CancellationTokenSource();
                await Task.Delay(10);
                await cts.CancelAsync();
                cts.Token.ThrowIfCancellationRequested(); // the handler's task ends Canceled
            });
            Receive<string>(s => s == Count, _ => Sender.Tell(_count));
            Receive<string>(s => _probe.Tell(s));
        }

        protected override void PostRestart(Exception reason) => _probe.Tell(new Restarted(reason));
    }

    /// <summary>Handlers of one type told apart by predicates, then a catch-all.</summary>
    private sealed class Picky : ReceiveActor
    {
        public Picky()
        {
            Receive<int>(i => i > 100, _ => Sender.Tell("big"));
            Receive<int>(i => i < 0, _ => Sender.Tell("negative"));
            Receive<int>(_ => Sender.Tell("small"));
            Receive<string>(s => s.Length > 3 && Reply(Sender, "long string"));
            ReceiveAny(m => Sender.Tell($"anything: {m}"));
        }

        private static bool Reply(IActorRef to, string what)
        {
            to.Tell(what);
            return true;
        }
    }

    /// <summary>Handles strings only.</summary>
    private sealed class StringsOnly : ReceiveActor
    {
        public StringsOnly() => Receive<string>(s => Sender.Tell(s));
    }

    private IActorRef StartMoody() => Sys.ActorOf(Props.Create(() => new Moody()));

    private void ExpectAnswer(IActorRef actor, string expected)
    {
        actor.Tell(Hi);
        ExpectMsg(expected);
    }

    [Fact]
    public void Become_replaces_the_current_handlers()
    {
        var actor = StartMoody();
        ExpectAnswer(actor, "A");

        actor.Tell("become B");
        ExpectAnswer(actor, "B");
        actor.Tell("become C");
        ExpectAnswer(actor, "C");

        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        actor.Tell("only A knows this");
        unhandled.ExpectMsg<UnhandledMessage>().Message.Should().Be("only A knows this");
    }

    [Fact]
    public void BecomeStacked_and_UnbecomeStacked_return_to_the_previous_handlers()
    {
        var actor = StartMoody();

        actor.Tell("push B");
        ExpectAnswer(actor, "B");
        actor.Tell("push C");
        ExpectAnswer(actor, "C");
        actor.Tell("pop");
        ExpectAnswer(actor, "B");
        actor.Tell("pop");
        ExpectAnswer(actor, "A");
        actor.Tell("pop");
        ExpectAnswer(actor, "A"); // the initial handlers are never popped
    }

    [Fact]
    public void UnbecomeStacked_after_Become_returns_to_the_initial_handlers()
    {
        var actor = StartMoody();

        actor.Tell("become B");
        ExpectAnswer(actor, "B");
        actor.Tell("pop");
        ExpectAnswer(actor, "A");

        actor.Tell("push B");
        actor.Tell("become C"); // replaces B on top of the stack
        ExpectAnswer(actor, "C");
        actor.Tell("pop");
        ExpectAnswer(actor, "A");
    }

    [Fact]
    public void ReceiveAsync_holds_later_messages_until_the_handler_task_completes()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        actor.Tell(new Gate(gate));
        ExpectMsg("started");
        actor.Tell("second");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // "second" waits for the first handler's task

        gate.SetResult();

        ExpectMsg("finished");
        ExpectMsg("second");
    }

    [Fact]
    public void Sender_and_Self_are_still_valid_after_an_await()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        first.Send(actor, new AwaitThenReply(1));
        second.Send(actor, new AwaitThenReply(2));

        first.ExpectMsg(new Replied(1, actor, SameSenderAfterAwait: true));
        second.ExpectMsg(new Replied(2, actor, SameSenderAfterAwait: true));
        first.ExpectNoMsg();
    }

    [Fact]
    public void A_faulted_handler_task_goes_to_supervision_which_restarts_the_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));

        actor.Tell(new FailAfterAwait("async boom"));
        actor.Tell("sent while the task was running");

        ExpectMsg<Restarted>().Cause.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("async boom");
        ExpectMsg("sent while the task was running");
        actor.Tell(Count);
        ExpectMsg(0); // the restart reset the state
    }

    [Fact]
    public void A_canceled_handler_task_is_a_failure_too()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));

        actor.Tell(new CancelAfterAwait());

        ExpectMsg<Restarted>().Cause.Should().BeAssignableTo<OperationCanceledException>();
        actor.Tell(Count);
        ExpectMsg(0);
    }

    [Fact]
    public void Handler_predicates_choose_between_handlers_of_the_same_type_in_registration_order()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Picky()));

        actor.Tell(500);
        ExpectMsg("big");
        actor.Tell(-1);
        ExpectMsg("negative");
        actor.Tell(5);
        ExpectMsg("small");
        actor.Tell("longer");
        ExpectMsg("long string");
    }

    [Fact]
    public void ReceiveAny_takes_what_no_earlier_handler_took()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Picky()));

        actor.Tell("abc");
        ExpectMsg("anything: abc");
        actor.Tell(2.5);
        ExpectMsg("anything: 2.5");
    }

    [Fact]
    public void Unhandled_messages_are_published_as_UnhandledMessage()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(Props.Create(() => new StringsOnly()));

        actor.Tell(42);

        var published = unhandled.ExpectMsg<UnhandledMessage>();
        published.Message.Should().Be(42);
        published.Sender.Should().Be(TestActor);
        published.Recipient.Should().Be(actor);
        actor.Tell("still fine");
        ExpectMsg("still fine");
    }
}
