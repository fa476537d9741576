namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>The event of <see cref="Counter"/>.</summary>
public sealed record Added(int Value);

/// <summary>The snapshot of <see cref="Counter"/>.</summary>
public sealed record CounterSnapshot(int Total, int Count);

/// <summary>
/// A persistent counter shared by the journal contract and the actor specs: it persists <see cref="Added"/>
/// events and reports its recovery and failures to a reporter actor, so that a test can follow it.
/// </summary>
public sealed class Counter : ReceivePersistentActor
{
    public sealed record Add(int Value);
    public sealed record AddAll(int[] Values);
    public sealed record AddAsync(int Value);
    public sealed record AddAfter(Task Gate, int Value);
    public sealed record Ack(int Value, long SequenceNr);

    public sealed class Get
    {
        public static readonly Get Instance = new();
        private Get() { }
    }

    public sealed record State(int Total, int Count, long LastSequenceNr, bool InOrder);

    public sealed class Snap
    {
        public static readonly Snap Instance = new();
        private Snap() { }
    }

    public sealed record DeleteTo(long SequenceNr);

    public sealed class Fail
    {
        public static readonly Fail Instance = new();
        private Fail() { }
    }

    public sealed record Recovered(string PersistenceId, int Total, int Count, long LastSequenceNr, long SnapshotSequenceNr, IReadOnlyList<long> Replayed, bool InOrder);
    public sealed record PersistFailed(Exception Cause, object Event, long SequenceNr);
    public sealed record RecoveryFailed(Exception Cause, object? Event);

    private readonly string _persistenceId;
    private readonly IActorRef _reporter;
    private readonly List<long> _replayed = [];
    private int _total;
    private int _count;
    private long _previous;
    private bool _inOrder = true;

    public static Props Props(string persistenceId, IActorRef reporter) => Actors.Props.Create(() => new Counter(persistenceId, reporter));

    public Counter(string persistenceId, IActorRef reporter)
    {
        _persistenceId = persistenceId;
        _reporter = reporter;

        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (CounterSnapshot)offer.Snapshot;
            (_total, _count, _previous) = (snapshot.Total, snapshot.Count, offer.Metadata.SequenceNr);
        });
        Recover<Added>(added =>
        {
            _replayed.Add(LastSequenceNr);
            Apply(added);
        });
        Recover<RecoveryCompleted>(_ =>
            _reporter.Tell(new Recovered(PersistenceId, _total, _count, LastSequenceNr, SnapshotSequenceNr, [.. _replayed], _inOrder), Self));

        Command<Add>(add => Persist(new Added(add.Value), added =>
        {
            Apply(added);
            Sender.Tell(new Ack(added.Value, LastSequenceNr), Self);
        }));
        Command<AddAll>(add => PersistAll(add.Values.Select(v => new Added(v)), added =>
        {
            Apply(added);
            Sender.Tell(new Ack(added.Value, LastSequenceNr), Self);
        }));
        Command<AddAsync>(add => PersistAsync(new Added(add.Value), added =>
        {
            Apply(added);
            Sender.Tell(new Ack(added.Value, LastSequenceNr), Self);
        }));
        CommandAsync<AddAfter>(async add =>
        {
            await add.Gate;
            Persist(new Added(add.Value), added =>
            {
                Apply(added);
                Sender.Tell(new Ack(added.Value, LastSequenceNr), Self);
            });
        });
        Command<Get>(_ => Sender.Tell(new State(_total, _count, LastSequenceNr, _inOrder), Self));
        Command<Snap>(_ => SaveSnapshot(new CounterSnapshot(_total, _count)));
        Command<SaveSnapshotSuccess>(success => _reporter.Tell(success, Self));
        Command<SaveSnapshotFailure>(failure => _reporter.Tell(failure, Self));
        Command<DeleteTo>(delete => DeleteMessages(delete.SequenceNr));
        Command<DeleteMessagesSuccess>(success => _reporter.Tell(success, Self));
        Command<DeleteMessagesFailure>(failure => _reporter.Tell(failure, Self));
        Command<Fail>(_ => throw new InvalidOperationException("Counter told to fail"));
    }

    public override string PersistenceId => _persistenceId;

    private void Apply(Added added)
    {
        if (LastSequenceNr != _previous + 1) _inOrder = false;
        _previous = LastSequenceNr;
        _total += added.Value;
        _count++;
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _reporter.Tell(new PersistFailed(cause, @event, sequenceNr), Self);

    protected override void OnRecoveryFailure(Exception cause, object? @event) =>
        _reporter.Tell(new RecoveryFailed(cause, @event), Self);
}
