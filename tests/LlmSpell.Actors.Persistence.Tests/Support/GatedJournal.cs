using System.Threading.Channels;

namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>
/// An in-memory journal whose writes can be held until the test releases them, so a test can look at an
/// actor while its write is in flight. Records the size of every write.
/// </summary>
public sealed class GatedJournal : IJournal
{
    private readonly InMemoryJournal _inner = new();
    private readonly Channel<HeldWrite> _held = Channel.CreateUnbounded<HeldWrite>();
    private readonly List<int> _writeSizes = [];

    /// <summary>While true, every write waits for <see cref="HeldWrite.Release"/>.</summary>
    public bool Holding { get; set; }

    public IReadOnlyList<int> WriteSizes
    {
        get
        {
            lock (_writeSizes) return [.. _writeSizes];
        }
    }

    public sealed class HeldWrite(IReadOnlyList<PersistentRepr> events)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IReadOnlyList<PersistentRepr> Events { get; } = events;
        public Task Released => _released.Task;
        public void Release() => _released.TrySetResult();
    }

    /// <summary>The next write that is being held.</summary>
    public async Task<HeldWrite> NextHeldWriteAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(LlmSpell.Testing.TestTime.Dilated(timeout ?? TimeSpan.FromSeconds(3)));
        return await _held.Reader.ReadAsync(cts.Token);
    }

    public async Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default)
    {
        lock (_writeSizes) _writeSizes.Add(events.Count);
        if (Holding)
        {
            var held = new HeldWrite(events);
            _held.Writer.TryWrite(held);
            await held.Released;
        }
        await _inner.WriteAsync(events, cancellationToken);
    }

    public IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        _inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        _inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public IAsyncEnumerable<string> PersistenceIdsAsync(CancellationToken cancellationToken = default) => _inner.PersistenceIdsAsync(cancellationToken);
}
