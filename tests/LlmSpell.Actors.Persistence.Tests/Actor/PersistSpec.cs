using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Persistence.Tests.Actor;

public sealed class PersistSpec : TestKit
{
    private readonly GatedJournal _journal = new();

    public PersistSpec() => PersistenceExtension.Register(Sys, _journal, new InMemorySnapshotStore(), TestSerializer.Create());

    private async Task<IActorRef> RecoveredCounterAsync(string? pid = null)
    {
        var counter = Sys.ActorOf(Counter.Props(pid ?? TestSerializer.NewPersistenceId(), TestActor));
        await ExpectMsgAsync<Counter.Recovered>();
        return counter;
    }

    [Fact]
    public async Task Persist_runs_the_handler_only_after_the_write_and_stashes_commands_meanwhile()
    {
        var counter = await RecoveredCounterAsync();
        _journal.Holding = true;

        counter.Tell(new Counter.Add(5));
        counter.Tell(Counter.Get.Instance);
        var held = await _journal.NextHeldWriteAsync();

        held.Events.Should().ContainSingle().Which.SequenceNr.Should().Be(1);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // neither the handler's Ack nor the stashed Get
        held.Release();
        (await ExpectMsgAsync<Counter.Ack>()).Should().Be(new Counter.Ack(5, 1));
        (await ExpectMsgAsync<Counter.State>()).Total.Should().Be(5);
    }

    [Fact]
    public async Task Commands_are_processed_in_arrival_order_each_seeing_every_event_persisted_before_it()
    {
        var counter = await RecoveredCounterAsync();

        for (var i = 1; i <= 50; i++)
        {
            counter.Tell(new Counter.Add(i));
            counter.Tell(Counter.Get.Instance);
        }

        var total = 0;
        for (var i = 1; i <= 50; i++)
        {
            total += i;
            (await ExpectMsgAsync<Counter.Ack>()).Should().Be(new Counter.Ack(i, i));
            (await ExpectMsgAsync<Counter.State>()).Should().Be(new Counter.State(total, i, i, InOrder: true));
        }
        _journal.WriteSizes.Should().HaveCount(50, "a stashing Persist writes before the next command runs");
    }

    [Fact]
    public async Task PersistAll_writes_the_events_atomically_in_one_write_and_runs_each_handler_in_order()
    {
        var counter = await RecoveredCounterAsync();

        counter.Tell(new Counter.AddAll([1, 2, 3]));
        counter.Tell(Counter.Get.Instance);

        (await ReceiveNAsync(3)).Should().Equal(new Counter.Ack(1, 1), new Counter.Ack(2, 2), new Counter.Ack(3, 3));
        (await ExpectMsgAsync<Counter.State>()).Total.Should().Be(6);
        _journal.WriteSizes.Should().Equal(3);
    }

    [Fact]
    public async Task PersistAsync_does_not_stash_commands_while_the_event_is_written()
    {
        var counter = await RecoveredCounterAsync();
        _journal.Holding = true;

        counter.Tell(new Counter.AddAsync(7));
        counter.Tell(Counter.Get.Instance);
        var held = await _journal.NextHeldWriteAsync();

        (await ExpectMsgAsync<Counter.State>()).Total.Should().Be(0, "Get ran while the write was in flight");
        held.Release();
        (await ExpectMsgAsync<Counter.Ack>()).Should().Be(new Counter.Ack(7, 1));
        counter.Tell(Counter.Get.Instance);
        (await ExpectMsgAsync<Counter.State>()).Total.Should().Be(7);
    }

    [Fact]
    public async Task PersistAsync_handlers_run_in_call_order_and_later_calls_share_one_write()
    {
        var counter = await RecoveredCounterAsync();
        _journal.Holding = true;

        counter.Tell(new Counter.AddAsync(1));
        var first = await _journal.NextHeldWriteAsync();
        counter.Tell(new Counter.AddAsync(2));
        counter.Tell(new Counter.AddAsync(3));
        counter.Tell(Counter.Get.Instance);
        await ExpectMsgAsync<Counter.State>(); // both were queued behind the write in flight
        _journal.Holding = false;
        first.Release();

        (await ReceiveNAsync(3)).Should().Equal(new Counter.Ack(1, 1), new Counter.Ack(2, 2), new Counter.Ack(3, 3));
        _journal.WriteSizes.Should().Equal(1, 2);
    }

    [Fact]
    public async Task An_async_command_handler_holds_further_commands_until_its_task_and_persist_complete()
    {
        var counter = await RecoveredCounterAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        counter.Tell(new Counter.AddAfter(gate.Task, 4));
        counter.Tell(Counter.Get.Instance);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        gate.SetResult();

        (await ExpectMsgAsync<Counter.Ack>()).Should().Be(new Counter.Ack(4, 1));
        (await ExpectMsgAsync<Counter.State>()).Total.Should().Be(4);
    }

    [Fact]
    public async Task A_command_that_persists_nothing_is_answered_without_a_write()
    {
        var counter = await RecoveredCounterAsync();
        counter.Tell(Counter.Get.Instance);
        (await ExpectMsgAsync<Counter.State>()).Should().Be(new Counter.State(0, 0, 0, true));
        _journal.WriteSizes.Should().BeEmpty();
    }

    [Fact]
    public async Task Events_persisted_in_a_handler_run_before_the_stashed_commands()
    {
        var pid = TestSerializer.NewPersistenceId();
        var actor = Sys.ActorOf(Props.Create(() => new Nested(pid)));

        actor.Tell("go");
        actor.Tell("query");

        (await ReceiveNAsync(3)).Should().Equal("outer 1", "inner 2", "query after 2");
    }

    [Fact]
    public async Task Defer_runs_after_the_handlers_of_earlier_persists_and_before_later_commands()
    {
        var pid = TestSerializer.NewPersistenceId(); // outside the factory: a restart runs it again
        var actor = Sys.ActorOf(Props.Create(() => new Deferring(pid)));

        actor.Tell("go");
        actor.Tell("query");

        (await ReceiveNAsync(4)).Should().Equal("persisted 1", "persisted 2", "deferred after 2", "query");
    }

    [Fact]
    public async Task Stashed_commands_of_the_actor_come_back_in_order_after_UnstashAll()
    {
        var pid = TestSerializer.NewPersistenceId(); // outside the factory: a restart runs it again
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(pid)));

        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("open");
        actor.Tell("c");

        (await ReceiveNAsync(4)).Should().Equal("opened 1", "a", "b", "c");
    }

    [Fact]
    public async Task Persisting_an_unregistered_event_type_fails_the_command_with_a_hint()
    {
        var pid = TestSerializer.NewPersistenceId(); // outside the factory: a restart runs it again
        var actor = Sys.ActorOf(Props.Create(() => new Careless(pid, TestActor)));
        await ExpectMsgAsync("started");

        actor.Tell("persist");

        var error = await ExpectMsgAsync<UnregisteredEventTypeException>();
        error.Message.Should().Contain(nameof(Unregistered)).And.Contain("Register<Unregistered>");
        await ExpectMsgAsync("started"); // restarted by its supervisor
        _journal.WriteSizes.Should().BeEmpty();
    }

    [Fact]
    public async Task Commands_stashed_during_a_persist_survive_a_restart_caused_by_its_handler()
    {
        var pid = TestSerializer.NewPersistenceId(); // outside the factory: a restart runs it again
        var actor = Sys.ActorOf(Props.Create(() => new Fragile(pid, TestActor)));
        await ExpectMsgAsync("recovered at 0");
        _journal.Holding = true;

        actor.Tell("boom");
        actor.Tell("q1");
        actor.Tell("q2");
        var held = await _journal.NextHeldWriteAsync();
        _journal.Holding = false;
        held.Release();

        (await ReceiveNAsync(3)).Should().Equal("recovered at 1", "q1 at 1", "q2 at 1");
    }

    [Fact]
    public async Task Commands_stashed_when_the_actor_stops_go_to_dead_letters()
    {
        var counter = await RecoveredCounterAsync();
        Sys.EventStream.Subscribe(TestActor, typeof(LlmSpell.Actors.Event.DeadLetter));
        _journal.Holding = true;

        counter.Tell(new Counter.Add(1));
        counter.Tell(Counter.Get.Instance);
        var held = await _journal.NextHeldWriteAsync();
        Watch(counter);
        Sys.Stop(counter);

        // The stash is emptied to dead letters as the actor stops, before watchers hear of it.
        (await FishForMessageAsync<LlmSpell.Actors.Event.DeadLetter>(d => d.Message is Counter.Get)).Recipient.Should().Be(counter);
        await FishForMessageAsync<Terminated>(t => t.ActorRef.Equals(counter));
        held.Release();
    }

    public sealed record Unregistered(int X);

    private sealed class Nested : ReceivePersistentActor
    {
        public Nested(string pid)
        {
            PersistenceId = pid;
            Command<string>(s => s == "go", _ => Persist(new Added(1), _ =>
            {
                Sender.Tell($"outer {LastSequenceNr}");
                Persist(new Added(2), _ => Sender.Tell($"inner {LastSequenceNr}"));
            }));
            Command<string>(s => s == "query", _ => Sender.Tell($"query after {LastSequenceNr}"));
        }

        public override string PersistenceId { get; }
    }

    private sealed class Deferring : ReceivePersistentActor
    {
        public Deferring(string pid)
        {
            PersistenceId = pid;
            Command<string>(s => s == "go", _ =>
            {
                Persist(new Added(1), _ => Sender.Tell($"persisted {LastSequenceNr}"));
                Persist(new Added(2), _ => Sender.Tell($"persisted {LastSequenceNr}"));
                Defer("x", _ => Sender.Tell($"deferred after {LastSequenceNr}"));
            });
            Command<string>(s => s == "query", _ => Sender.Tell("query"));
        }

        public override string PersistenceId { get; }
    }

    private sealed class Gatekeeper : ReceivePersistentActor
    {
        public Gatekeeper(string pid)
        {
            PersistenceId = pid;
            Command<string>(s => s == "open", _ => Persist(new Added(1), _ =>
            {
                Sender.Tell($"opened {LastSequenceNr}");
                Stash.UnstashAll();
                Become(() => Command<string>(s => Sender.Tell(s)));
            }));
            Command<string>(_ => Stash.Stash());
        }

        public override string PersistenceId { get; }
    }

    private sealed class Fragile : ReceivePersistentActor
    {
        public Fragile(string pid, IActorRef reporter)
        {
            PersistenceId = pid;
            Recover<RecoveryCompleted>(_ => reporter.Tell($"recovered at {LastSequenceNr}"));
            Command<string>(s => s == "boom", _ => Persist(new Added(1), _ => throw new InvalidOperationException("handler failed")));
            Command<string>(s => Sender.Tell($"{s} at {LastSequenceNr}"));
        }

        public override string PersistenceId { get; }
    }

    private sealed class Careless : ReceivePersistentActor
    {
        private readonly IActorRef _reporter;

        public Careless(string pid, IActorRef reporter)
        {
            PersistenceId = pid;
            _reporter = reporter;
            Recover<RecoveryCompleted>(_ => reporter.Tell("started"));
            Command<string>(_ =>
            {
                try
                {
                    Persist(new Unregistered(1), _ => { });
                }
                catch (UnregisteredEventTypeException ex)
                {
                    _reporter.Tell(ex);
                    throw;
                }
            });
        }

        public override string PersistenceId { get; }
    }
}
