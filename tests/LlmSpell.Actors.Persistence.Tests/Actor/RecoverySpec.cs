using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Persistence.Tests.Actor;

public sealed class RecoverySpec : TestKit
{
    private readonly FaultyJournal _journal = new();

    public RecoverySpec() => PersistenceExtension.Register(Sys, _journal, new InMemorySnapshotStore(), TestSerializer.Create());

    private async Task<(IActorRef Counter, string Pid)> CounterWithEventsAsync(params int[] values)
    {
        var pid = TestSerializer.NewPersistenceId();
        var counter = Sys.ActorOf(Counter.Props(pid, TestActor));
        await ExpectMsgAsync<Counter.Recovered>();
        foreach (var v in values)
        {
            counter.Tell(new Counter.Add(v));
            await ExpectMsgAsync<Counter.Ack>();
        }
        return (counter, pid);
    }

    private async Task StopAsync(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task A_fresh_actor_recovers_nothing_and_completes_recovery()
    {
        Sys.ActorOf(Counter.Props(TestSerializer.NewPersistenceId(), TestActor));
        var recovered = await ExpectMsgAsync<Counter.Recovered>();
        (recovered.Total, recovered.LastSequenceNr, recovered.Replayed.Count).Should().Be((0, 0L, 0));
    }

    [Fact]
    public async Task Commands_sent_during_recovery_are_processed_after_RecoveryCompleted()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _journal.WriteAsync(TestSerializer.Events(pid, 1, 2000));

        var counter = Sys.ActorOf(Counter.Props(pid, TestActor));
        counter.Tell(Counter.Get.Instance);
        counter.Tell(new Counter.Add(1));

        (await ExpectMsgAsync<Counter.Recovered>()).Count.Should().Be(2000);
        (await ExpectMsgAsync<Counter.State>()).Should().Be(new Counter.State(2000 * 2001 / 2, 2000, 2000, true));
        (await ExpectMsgAsync<Counter.Ack>()).SequenceNr.Should().Be(2001);
    }

    [Fact]
    public async Task A_restart_after_a_failure_recovers_the_state_from_the_journal()
    {
        var (counter, _) = await CounterWithEventsAsync(3, 4);

        counter.Tell(Counter.Fail.Instance);

        (await ExpectMsgAsync<Counter.Recovered>()).Should().Match<Counter.Recovered>(r => r.Total == 7 && r.LastSequenceNr == 2);
        counter.Tell(new Counter.Add(1));
        (await ExpectMsgAsync<Counter.Ack>()).SequenceNr.Should().Be(3);
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_only_later_events()
    {
        var (counter, pid) = await CounterWithEventsAsync(1, 2);
        counter.Tell(Counter.Snap.Instance);
        (await ExpectMsgAsync<SaveSnapshotSuccess>()).Metadata.Should().Match<SnapshotMetadata>(m => m.PersistenceId == pid && m.SequenceNr == 2);
        counter.Tell(new Counter.Add(3));
        counter.Tell(new Counter.Add(4));
        await ReceiveNAsync(2);
        await StopAsync(counter);

        Sys.ActorOf(Counter.Props(pid, TestActor));

        var recovered = await ExpectMsgAsync<Counter.Recovered>();
        recovered.SnapshotSequenceNr.Should().Be(2);
        recovered.Replayed.Should().Equal(3, 4);
        (recovered.Total, recovered.Count, recovered.LastSequenceNr).Should().Be((10, 4, 4L));
    }

    [Fact]
    public async Task DeleteMessages_removes_events_up_to_a_snapshot_and_numbering_continues()
    {
        var (counter, pid) = await CounterWithEventsAsync(1, 2, 3);
        counter.Tell(Counter.Snap.Instance);
        await ExpectMsgAsync<SaveSnapshotSuccess>();
        counter.Tell(new Counter.DeleteTo(3));
        (await ExpectMsgAsync<DeleteMessagesSuccess>()).ToSequenceNr.Should().Be(3);
        await StopAsync(counter);

        var replayed = new List<PersistentRepr>();
        await foreach (var e in _journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue)) replayed.Add(e);
        replayed.Should().BeEmpty();

        counter = Sys.ActorOf(Counter.Props(pid, TestActor));
        (await ExpectMsgAsync<Counter.Recovered>()).Should().Match<Counter.Recovered>(r => r.Total == 6 && r.LastSequenceNr == 3);
        counter.Tell(new Counter.Add(4));
        (await ExpectMsgAsync<Counter.Ack>()).SequenceNr.Should().Be(4);
    }

    [Fact]
    public async Task DeleteMessages_beyond_the_last_sequence_nr_fails_and_deletes_nothing()
    {
        var (counter, pid) = await CounterWithEventsAsync(1);

        counter.Tell(new Counter.DeleteTo(5));

        (await ExpectMsgAsync<DeleteMessagesFailure>()).Cause.Message.Should().Contain(pid).And.Contain("5");
        (await _journal.ReadHighestSequenceNrAsync(pid)).Should().Be(1);
    }

    [Fact]
    public async Task A_recovery_handler_that_throws_stops_the_actor_with_an_error_naming_the_id_and_sequence_nr()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _journal.WriteAsync(TestSerializer.Events(pid, 1, 3));

        var actor = Watch(Sys.ActorOf(Props.Create(() => new Brittle(pid, TestActor))));

        var failure = await ExpectMsgAsync<Exception>();
        var error = failure.Should().BeOfType<RecoveryFailedException>().Which;
        (error.PersistenceId, error.SequenceNr).Should().Be((pid, 2L));
        error.Message.Should().Contain(pid).And.Contain("sequence number 2");
        error.InnerException!.Message.Should().Be("cannot apply 2");
        await ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task A_journal_that_fails_during_replay_stops_the_actor_with_an_error_naming_where()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _journal.WriteAsync(TestSerializer.Events(pid, 1, 5));
        _journal.FailReplayAfter = 2;

        var counter = Watch(Sys.ActorOf(Counter.Props(pid, TestActor)));

        var error = (await ExpectMsgAsync<Counter.RecoveryFailed>()).Cause.Should().BeOfType<RecoveryFailedException>().Which;
        (error.PersistenceId, error.SequenceNr).Should().Be((pid, 3L));
        error.InnerException.Should().BeOfType<IOException>();
        await ExpectTerminatedAsync(counter);
    }

    [Fact]
    public async Task Recovery_can_stop_at_a_sequence_nr_and_new_events_still_continue_after_the_highest()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _journal.WriteAsync(TestSerializer.Events(pid, 1, 5));

        var actor = Sys.ActorOf(Props.Create(() => new Partial(pid, TestActor, Recovery.Default.WithToSequenceNr(3))));

        (await ExpectMsgAsync<string>()).Should().Be("recovered 1+2+3 last 5");
        actor.Tell("add");
        (await ExpectMsgAsync<string>()).Should().Be("persisted 6");
    }

    [Fact]
    public async Task A_persistent_actor_in_a_system_without_persistence_fails_to_start_with_instructions()
    {
        await using var bare = ActorSystem.Create("bare", ActorSystemSettings.Default.WithRunCoordinatedShutdownOnProcessExit(false));
        var probe = CreateTestProbe();
        var counter = bare.ActorOf(Counter.Props("x", probe.Ref));
        var watcher = bare.ActorOf(Props.Create(() => new Watcher(counter, probe.Ref)));

        (await probe.ExpectMsgAsync<Terminated>()).ActorRef.Should().Be(counter);
        FluentActions.Invoking(() => PersistenceExtension.Get(bare)).Should().Throw<PersistenceNotRegisteredException>()
            .WithMessage("*PersistenceExtension.Register*");
        bare.Stop(watcher);
    }

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef subject, IActorRef report)
        {
            Context.Watch(subject);
            Receive<Terminated>(t => report.Tell(t));
        }
    }

    private sealed class Brittle : ReceivePersistentActor
    {
        private readonly IActorRef _reporter;

        public Brittle(string pid, IActorRef reporter)
        {
            PersistenceId = pid;
            _reporter = reporter;
            Recover<Added>(a =>
            {
                if (a.Value == 2) throw new InvalidOperationException("cannot apply 2");
            });
        }

        public override string PersistenceId { get; }

        protected override void OnRecoveryFailure(Exception cause, object? @event) => _reporter.Tell(cause);
    }

    private sealed class Partial : ReceivePersistentActor
    {
        private readonly List<int> _values = [];

        public Partial(string pid, IActorRef reporter, Recovery recovery)
        {
            PersistenceId = pid;
            Recovery = recovery;
            Recover<Added>(a => _values.Add(a.Value));
            Recover<RecoveryCompleted>(_ => reporter.Tell($"recovered {string.Join('+', _values)} last {LastSequenceNr}"));
            Command<string>(_ => Persist(new Added(6), _ => Sender.Tell($"persisted {LastSequenceNr}")));
        }

        public override string PersistenceId { get; }

        protected override Recovery Recovery { get; }
    }
}
