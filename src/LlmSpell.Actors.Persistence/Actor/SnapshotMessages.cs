namespace LlmSpell.Actors.Persistence;

/// <summary>Offered to the recovery handlers first when recovery starts from a snapshot.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Sent to the actor when <c>SaveSnapshot</c> is durable.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Sent to the actor when <c>SaveSnapshot</c> failed; the actor keeps running.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Reply to <c>DeleteSnapshot</c>.</summary>
public sealed record DeleteSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Reply to <c>DeleteSnapshot</c> when it failed.</summary>
public sealed record DeleteSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Reply to <c>DeleteSnapshots</c>.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);

/// <summary>Reply to <c>DeleteSnapshots</c> when it failed.</summary>
public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);
