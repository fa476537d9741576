using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace LlmSpell.Actors.Persistence;

/// <summary>A journal in memory, for tests: the same contract as the durable ones, nothing survives the process.</summary>
public sealed class InMemoryJournal : IJournal
{
    private readonly ConcurrentDictionary<string, EventStream> _streams = new(StringComparer.Ordinal);

    private sealed class EventStream
    {
        public readonly SortedList<long, PersistentRepr> Events = new();
        public long DeletedTo;
    }

    public Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidateBatch(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0) return Task.CompletedTask;
        var stream = _streams.GetOrAdd(events[0].PersistenceId, _ => new EventStream());
        lock (stream)
        {
            foreach (var e in events)
                if (stream.Events.ContainsKey(e.SequenceNr))
                    return Task.FromException(new ConcurrentWriteException(e.PersistenceId, e.SequenceNr, e.SequenceNr, "in-memory journal"));
            foreach (var e in events) stream.Events.Add(e.SequenceNr, e);
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        JournalGuard.ValidateRange(fromSequenceNr, toSequenceNr, max);
        if (!_streams.TryGetValue(persistenceId, out var stream) || max == 0) yield break;
        List<PersistentRepr> selected = [];
        lock (stream)
        {
            foreach (var (seq, e) in stream.Events)
            {
                if (seq < fromSequenceNr) continue;
                if (seq > toSequenceNr || selected.Count >= max) break;
                selected.Add(e);
            }
        }
        foreach (var e in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        if (!_streams.TryGetValue(persistenceId, out var stream)) return Task.FromResult(0L);
        lock (stream)
            return Task.FromResult(Math.Max(stream.DeletedTo, stream.Events.Count == 0 ? 0 : stream.Events.Keys[^1]));
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryGetValue(persistenceId, out var stream)) return Task.CompletedTask;
        lock (stream)
        {
            while (stream.Events.Count > 0 && stream.Events.Keys[0] <= toSequenceNr)
            {
                stream.DeletedTo = Math.Max(stream.DeletedTo, stream.Events.Keys[0]);
                stream.Events.RemoveAt(0);
            }
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> PersistenceIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var id in _streams.Keys.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
