using System.Runtime.CompilerServices;

namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>An in-memory journal that fails the next N writes, or fails replay after some events.</summary>
public sealed class FaultyJournal : IJournal
{
    private readonly InMemoryJournal _inner = new();
    private int _failWrites;

    /// <summary>The next <paramref name="count"/> writes fail with an <see cref="IOException"/>.</summary>
    public FaultyJournal FailNextWrites(int count)
    {
        Volatile.Write(ref _failWrites, count);
        return this;
    }

    /// <summary>When set, replay throws after yielding this many events.</summary>
    public int? FailReplayAfter { get; set; }

    public Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failWrites) >= 0)
            return Task.FromException(new IOException("simulated disk failure"));
        return _inner.WriteAsync(events, cancellationToken);
    }

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var n = 0;
        await foreach (var e in _inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken))
        {
            if (FailReplayAfter is { } limit && n++ >= limit) throw new IOException("simulated read failure");
            yield return e;
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        _inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public IAsyncEnumerable<string> PersistenceIdsAsync(CancellationToken cancellationToken = default) => _inner.PersistenceIdsAsync(cancellationToken);
}
