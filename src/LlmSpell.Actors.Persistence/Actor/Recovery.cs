namespace LlmSpell.Actors.Persistence;

/// <summary>How a persistent actor recovers: from which snapshot, up to which event, at most how many events.</summary>
public sealed record Recovery(SnapshotSelectionCriteria FromSnapshot, long ToSequenceNr = long.MaxValue, long ReplayMax = long.MaxValue)
{
    /// <summary>The latest snapshot, then every event after it.</summary>
    public static Recovery Default { get; } = new(SnapshotSelectionCriteria.Latest);

    /// <summary>No snapshot and no events: the actor starts empty but continues the sequence numbers.</summary>
    public static Recovery None { get; } = new(SnapshotSelectionCriteria.None, 0);

    public Recovery WithFromSnapshot(SnapshotSelectionCriteria criteria) => this with { FromSnapshot = criteria };

    public Recovery WithToSequenceNr(long toSequenceNr) =>
        toSequenceNr >= 0 ? this with { ToSequenceNr = toSequenceNr } : throw new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr, "must not be negative");

    public Recovery WithReplayMax(long replayMax) =>
        replayMax >= 0 ? this with { ReplayMax = replayMax } : throw new ArgumentOutOfRangeException(nameof(replayMax), replayMax, "must not be negative");
}
