namespace LlmSpell.Actors.Persistence;

/// <summary>A snapshot as a store keeps it: its metadata, the manifest of the state's type and the state as JSON.</summary>
public sealed record SnapshotRecord(SnapshotMetadata Metadata, string Manifest, string Payload);
