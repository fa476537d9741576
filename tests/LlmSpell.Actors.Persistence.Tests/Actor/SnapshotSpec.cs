using LlmSpell.Actors.Persistence.Tests.Support;
using LlmSpell.Actors.Testing;

namespace LlmSpell.Actors.Persistence.Tests.Actor;

public sealed class SnapshotSpec : TestKit
{
    private readonly InMemoryJournal _journal = new();
    private readonly FaultySnapshotStore _snapshots = new();

    public SnapshotSpec() => PersistenceExtension.Register(Sys, _journal, _snapshots, TestSerializer.Create());

    [Fact]
    public async Task A_failed_snapshot_save_is_reported_to_the_actor_which_keeps_running()
    {
        var counter = Sys.ActorOf(Counter.Props(TestSerializer.NewPersistenceId(), TestActor));
        await ExpectMsgAsync<Counter.Recovered>();
        counter.Tell(new Counter.Add(1));
        await ExpectMsgAsync<Counter.Ack>();
        _snapshots.FailSaves = true;

        counter.Tell(Counter.Snap.Instance);

        var failure = await ExpectMsgAsync<SaveSnapshotFailure>();
        failure.Metadata.SequenceNr.Should().Be(1);
        failure.Cause.Should().BeOfType<IOException>();
        counter.Tell(new Counter.Add(2));
        (await ExpectMsgAsync<Counter.Ack>()).SequenceNr.Should().Be(2);
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_read_fails_recovery_naming_the_id_and_sequence_nr()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _snapshots.SaveAsync(new SnapshotRecord(new SnapshotMetadata(pid, 4, DateTimeOffset.UnixEpoch), "old-snapshot.v0", "{}"));

        var counter = Watch(Sys.ActorOf(Counter.Props(pid, TestActor)));

        var error = (await ExpectMsgAsync<Counter.RecoveryFailed>()).Cause.Should().BeOfType<SnapshotDeserializationException>().Which;
        (error.PersistenceId, error.SequenceNr, error.Manifest).Should().Be((pid, 4L, "old-snapshot.v0"));
        error.Message.Should().Contain("delete the snapshot");
        await ExpectTerminatedAsync(counter);
    }

    [Fact]
    public async Task Recovery_without_snapshots_replays_every_event_even_when_a_snapshot_exists()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _journal.WriteAsync(TestSerializer.Events(pid, 1, 3));
        await _snapshots.SaveAsync(new SnapshotRecord(new SnapshotMetadata(pid, 2, DateTimeOffset.UnixEpoch), TestSerializer.SnapshotManifest, "{\"total\":1000,\"count\":2}"));

        Sys.ActorOf(Props.Create(() => new NoSnapshots(pid, TestActor)));

        (await ExpectMsgAsync<string>()).Should().Be("total 6 from snapshot 0");
    }

    private sealed class NoSnapshots : ReceivePersistentActor
    {
        private int _total;

        public NoSnapshots(string pid, IActorRef reporter)
        {
            PersistenceId = pid;
            Recover<SnapshotOffer>(o => _total = ((CounterSnapshot)o.Snapshot).Total);
            Recover<Added>(a => _total += a.Value);
            Recover<RecoveryCompleted>(_ => reporter.Tell($"total {_total} from snapshot {SnapshotSequenceNr}"));
        }

        public override string PersistenceId { get; }

        protected override Recovery Recovery => Recovery.Default.WithFromSnapshot(SnapshotSelectionCriteria.None);
    }

    private sealed class FaultySnapshotStore : ISnapshotStore
    {
        private readonly InMemorySnapshotStore _inner = new();

        public volatile bool FailSaves;

        public Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default) =>
            FailSaves ? Task.FromException(new IOException("simulated snapshot failure")) : _inner.SaveAsync(snapshot, cancellationToken);

        public Task<SnapshotRecord?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
            _inner.LoadAsync(persistenceId, criteria, cancellationToken);

        public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) => _inner.DeleteAsync(metadata, cancellationToken);

        public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
            _inner.DeleteAsync(persistenceId, criteria, cancellationToken);
    }
}
