using System.Collections.Concurrent;

namespace LlmSpell.Actors.Persistence;

/// <summary>A snapshot store in memory, for tests: nothing survives the process.</summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly ConcurrentDictionary<string, SortedList<long, SnapshotRecord>> _snapshots = new(StringComparer.Ordinal);

    public Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        JournalGuard.ValidatePersistenceId(snapshot.Metadata.PersistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        var list = _snapshots.GetOrAdd(snapshot.Metadata.PersistenceId, _ => new SortedList<long, SnapshotRecord>());
        lock (list) list[snapshot.Metadata.SequenceNr] = snapshot;
        return Task.CompletedTask;
    }

    public Task<SnapshotRecord?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_snapshots.TryGetValue(persistenceId, out var list)) return Task.FromResult<SnapshotRecord?>(null);
        lock (list)
        {
            for (var i = list.Count - 1; i >= 0; i--)
                if (criteria.Matches(list.Values[i].Metadata)) return Task.FromResult<SnapshotRecord?>(list.Values[i]);
        }
        return Task.FromResult<SnapshotRecord?>(null);
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        cancellationToken.ThrowIfCancellationRequested();
        if (_snapshots.TryGetValue(metadata.PersistenceId, out var list))
            lock (list) list.Remove(metadata.SequenceNr);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        cancellationToken.ThrowIfCancellationRequested();
        if (_snapshots.TryGetValue(persistenceId, out var list))
            lock (list)
                foreach (var key in list.Where(kv => criteria.Matches(kv.Value.Metadata)).Select(kv => kv.Key).ToList())
                    list.Remove(key);
        return Task.CompletedTask;
    }
}
