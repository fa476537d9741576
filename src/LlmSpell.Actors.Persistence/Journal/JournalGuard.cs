namespace LlmSpell.Actors.Persistence;

/// <summary>Argument checks every journal applies the same way.</summary>
public static class JournalGuard
{
    /// <summary>Throws unless the events belong to one persistence id and have consecutive increasing sequence numbers ≥ 1.</summary>
    public static void ValidateBatch(IReadOnlyList<PersistentRepr> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return;
        var first = events[0];
        ValidatePersistenceId(first.PersistenceId);
        if (first.SequenceNr < 1)
            throw new ArgumentException($"Sequence numbers start at 1; got {first.SequenceNr} for persistence id '{first.PersistenceId}'.", nameof(events));
        for (var i = 1; i < events.Count; i++)
        {
            var e = events[i];
            if (!string.Equals(e.PersistenceId, first.PersistenceId, StringComparison.Ordinal))
                throw new ArgumentException(
                    $"An atomic write holds events of one persistence id; event {i} is for '{e.PersistenceId}', not '{first.PersistenceId}'. Write each id separately.",
                    nameof(events));
            if (e.SequenceNr != events[i - 1].SequenceNr + 1)
                throw new ArgumentException(
                    $"Sequence numbers in a write must be consecutive; '{first.PersistenceId}' has {events[i - 1].SequenceNr} followed by {e.SequenceNr}.",
                    nameof(events));
        }
    }

    public static void ValidatePersistenceId(string persistenceId)
    {
        if (string.IsNullOrWhiteSpace(persistenceId))
            throw new ArgumentException("A persistence id must be a non-empty string (e.g. 'run-42').", nameof(persistenceId));
    }

    public static void ValidateRange(long fromSequenceNr, long toSequenceNr, long max)
    {
        if (fromSequenceNr < 0) throw new ArgumentOutOfRangeException(nameof(fromSequenceNr), fromSequenceNr, "fromSequenceNr must not be negative.");
        if (toSequenceNr < 0) throw new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr, "toSequenceNr must not be negative.");
        if (max < 0) throw new ArgumentOutOfRangeException(nameof(max), max, "max must not be negative.");
    }
}
