namespace LlmSpell.Actors.Persistence;

/// <summary>
/// Where events are stored. One writer per persistence id is enforced by the store: a write whose
/// sequence numbers already exist fails with <see cref="ConcurrentWriteException"/> and writes nothing.
/// Implementations are thread-safe.
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Writes events of one persistence id atomically: all of them become durable, or none does.
    /// The sequence numbers must be consecutive and increasing. Completes when the write is durable.
    /// </summary>
    Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the events of <paramref name="persistenceId"/> with <paramref name="fromSequenceNr"/> ≤ sequence nr ≤
    /// <paramref name="toSequenceNr"/>, in order, at most <paramref name="max"/> of them.
    /// </summary>
    IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever written for the id (kept after its events were deleted); 0 when none.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events of the id up to and including <paramref name="toSequenceNr"/>.</summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Every persistence id that has written events (also those whose events were all deleted).</summary>
    IAsyncEnumerable<string> PersistenceIdsAsync(CancellationToken cancellationToken = default);
}
