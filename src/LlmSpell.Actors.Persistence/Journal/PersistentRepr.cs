namespace LlmSpell.Actors.Persistence;

/// <summary>
/// One event as a journal stores it: whose it is (<see cref="PersistenceId"/>), where it sits
/// (<see cref="SequenceNr"/>, from 1 without gaps), what it is (<see cref="Manifest"/>, a stable
/// versioned name such as <c>step-completed.v1</c>), its JSON <see cref="Payload"/>, tags and time.
/// </summary>
public sealed record PersistentRepr(string PersistenceId, long SequenceNr, string Manifest, string Payload, DateTimeOffset Timestamp)
{
    /// <summary>Labels for queries across persistence ids (e.g. all runs of a workflow); empty by default.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public override string ToString() => $"PersistentRepr({PersistenceId}#{SequenceNr}, {Manifest})";
}
