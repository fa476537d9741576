namespace LlmSpell.Actors.Persistence;

/// <summary>
/// Where snapshots of persistent actors' state are kept, so that recovery replays only the events after
/// the latest one. A snapshot saved again at the same sequence number replaces the earlier one.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Saves (or replaces) the snapshot at its persistence id and sequence number; completes when durable.</summary>
    Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default);

    /// <summary>The newest snapshot of the id that matches <paramref name="criteria"/>, or null.</summary>
    Task<SnapshotRecord?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot at the metadata's persistence id and sequence number (if any).</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the id that matches <paramref name="criteria"/>.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
