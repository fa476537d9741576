namespace LlmSpell.Actors.Persistence;

// Snapshots and deletion: each replies to the actor itself with a success or failure message.
public abstract partial class PersistentActor
{
    /// <summary>
    /// Saves <paramref name="snapshot"/> as the state at <see cref="LastSequenceNr"/>; replies
    /// <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/> to this actor. The snapshot type
    /// must be registered with the serializer like an event.
    /// </summary>
    public void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Now());
        var value = Serializer.Serialize(snapshot);
        Reply(() => SnapshotStore.SaveAsync(new SnapshotRecord(metadata, value.Manifest, value.Payload), CancellationToken.None),
            () => new SaveSnapshotSuccess(metadata), ex => new SaveSnapshotFailure(metadata, ex));
    }

    /// <summary>Deletes the snapshot at <paramref name="sequenceNr"/>; replies <see cref="DeleteSnapshotSuccess"/> or <see cref="DeleteSnapshotFailure"/>.</summary>
    public void DeleteSnapshot(long sequenceNr)
    {
        var metadata = new SnapshotMetadata(PersistenceId, sequenceNr, DateTimeOffset.MinValue);
        Reply(() => SnapshotStore.DeleteAsync(metadata, CancellationToken.None),
            () => new DeleteSnapshotSuccess(metadata), ex => new DeleteSnapshotFailure(metadata, ex));
    }

    /// <summary>Deletes the snapshots matching <paramref name="criteria"/>; replies <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    public void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var persistenceId = PersistenceId;
        Reply(() => SnapshotStore.DeleteAsync(persistenceId, criteria, CancellationToken.None),
            () => new DeleteSnapshotsSuccess(criteria), ex => new DeleteSnapshotsFailure(criteria, ex));
    }

    /// <summary>
    /// Deletes this actor's events up to <paramref name="toSequenceNr"/> (at most <see cref="LastSequenceNr"/>;
    /// <c>long.MaxValue</c> means all); replies <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.
    /// The sequence numbers keep counting from where they were.
    /// </summary>
    public void DeleteMessages(long toSequenceNr)
    {
        var persistenceId = PersistenceId;
        if (toSequenceNr != long.MaxValue && toSequenceNr > LastSequenceNr)
        {
            Self.Tell(new DeleteMessagesFailure(new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr,
                $"Persistence id '{persistenceId}': cannot delete up to {toSequenceNr}, beyond the last sequence number {LastSequenceNr}."), toSequenceNr), Self);
            return;
        }
        var to = Math.Min(toSequenceNr, LastSequenceNr);
        Reply(() => Journal.DeleteMessagesToAsync(persistenceId, to, CancellationToken.None),
            () => new DeleteMessagesSuccess(to), ex => new DeleteMessagesFailure(ex, to));
    }

    private void Reply(Func<Task> operation, Func<object> success, Func<Exception, object> failure)
    {
        Task task;
        try
        {
            task = operation();
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }
        task.PipeTo(Self, Self, success, failure);
    }
}
