namespace LlmSpell.Actors.Persistence;

/// <summary>Identifies a snapshot: whose state it is, up to which event it reflects, and when it was taken.</summary>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
