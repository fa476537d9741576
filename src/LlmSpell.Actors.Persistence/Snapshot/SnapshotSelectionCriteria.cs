namespace LlmSpell.Actors.Persistence;

/// <summary>Which snapshots qualify: sequence number and timestamp bounds, all inclusive.</summary>
public sealed record SnapshotSelectionCriteria(long MaxSequenceNr, DateTimeOffset MaxTimestamp)
{
    /// <summary>The newest snapshot.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>No snapshot (recovery replays every event).</summary>
    public static SnapshotSelectionCriteria None { get; } = new(0, DateTimeOffset.MinValue);

    public long MinSequenceNr { get; init; }

    public DateTimeOffset MinTimestamp { get; init; } = DateTimeOffset.MinValue;

    /// <summary>Snapshots up to <paramref name="maxSequenceNr"/>.</summary>
    public static SnapshotSelectionCriteria UpTo(long maxSequenceNr) => Latest with { MaxSequenceNr = maxSequenceNr };

    public SnapshotSelectionCriteria WithMinSequenceNr(long minSequenceNr) => this with { MinSequenceNr = minSequenceNr };

    public SnapshotSelectionCriteria WithMinTimestamp(DateTimeOffset minTimestamp) => this with { MinTimestamp = minTimestamp };

    /// <summary>True when no snapshot can match.</summary>
    public bool IsNone => MaxSequenceNr <= 0 || MaxSequenceNr < MinSequenceNr || MaxTimestamp < MinTimestamp;

    public bool Matches(SnapshotMetadata metadata) =>
        metadata.SequenceNr <= MaxSequenceNr && metadata.SequenceNr >= MinSequenceNr
        && metadata.Timestamp <= MaxTimestamp && metadata.Timestamp >= MinTimestamp;

    /// <summary>These criteria, bounded to snapshots at or before <paramref name="toSequenceNr"/>.</summary>
    public SnapshotSelectionCriteria Limit(long toSequenceNr) => toSequenceNr < MaxSequenceNr ? this with { MaxSequenceNr = toSequenceNr } : this;
}
