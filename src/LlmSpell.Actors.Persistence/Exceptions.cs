namespace LlmSpell.Actors.Persistence;

/// <summary>Base of the errors the persistence layer raises.</summary>
public class PersistenceException : Exception
{
    public PersistenceException(string message) : base(message) { }
    public PersistenceException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// A write found its sequence numbers already taken: another writer (a second incarnation of the
/// actor, another process or node) persists for the same id. Nothing of the failed write was stored.
/// </summary>
public sealed class ConcurrentWriteException(string persistenceId, long firstSequenceNr, long lastSequenceNr, string journal, Exception? inner = null)
    : PersistenceException(
        $"Sequence number{(firstSequenceNr == lastSequenceNr ? $" {firstSequenceNr}" : $"s {firstSequenceNr}–{lastSequenceNr}")} of persistence id '{persistenceId}' " +
        $"{(firstSequenceNr == lastSequenceNr ? "is" : "are")} already written in the {journal}: another writer persists for this id. " +
        "Only one actor may persist for a persistence id at a time; stop the other one (or the other process/node) — " +
        "this writer's batch was not stored, and an actor recovers the other's events when it starts again.", inner)
{
    public string PersistenceId { get; } = persistenceId;
    public long FirstSequenceNr { get; } = firstSequenceNr;
    public long LastSequenceNr { get; } = lastSequenceNr;
}

/// <summary>A stored event could not be turned back into an object: its manifest is unknown or its payload does not fit.</summary>
public sealed class EventDeserializationException(string persistenceId, long sequenceNr, string manifest, Exception inner)
    : PersistenceException(
        $"Cannot deserialize event {sequenceNr} of persistence id '{persistenceId}' (manifest '{manifest}'): {inner.Message} " +
        (inner is UnknownManifestException
            ? $"Register the event type for this manifest (serializer.Register<T>(\"{manifest}\")) or an upcaster from it."
            : "The stored payload does not fit the registered type: register an upcaster for this manifest, or repair the stored event."),
        inner)
{
    public string PersistenceId { get; } = persistenceId;
    public long SequenceNr { get; } = sequenceNr;
    public string Manifest { get; } = manifest;
}

/// <summary>A stored snapshot could not be turned back into an object.</summary>
public sealed class SnapshotDeserializationException(string persistenceId, long sequenceNr, string manifest, Exception inner)
    : PersistenceException(
        $"Cannot deserialize the snapshot at sequence number {sequenceNr} of persistence id '{persistenceId}' (manifest '{manifest}'): {inner.Message} " +
        "Register the snapshot type for this manifest, or delete the snapshot so that recovery replays the events instead.",
        inner)
{
    public string PersistenceId { get; } = persistenceId;
    public long SequenceNr { get; } = sequenceNr;
    public string Manifest { get; } = manifest;
}

/// <summary>The serializer has no type registered for a manifest.</summary>
public sealed class UnknownManifestException(string manifest, IEnumerable<string> known)
    : PersistenceException($"No type is registered for manifest '{manifest}' (registered: {Describe(known)}).")
{
    public string Manifest { get; } = manifest;

    private static string Describe(IEnumerable<string> known)
    {
        var list = known.Order(StringComparer.Ordinal).Take(20).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}

/// <summary>An object of a type the serializer does not know was to be persisted.</summary>
public sealed class UnregisteredEventTypeException(Type type)
    : PersistenceException(
        $"Cannot persist an object of type {type.FullName}: it is not registered with the event serializer. " +
        $"Register it once at startup with a stable, versioned manifest, e.g. serializer.Register<{type.Name}>(\"{Kebab(type.Name)}.v1\").")
{
    public Type Type { get; } = type;

    private static string Kebab(string name)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var c in name.Split('`')[0])
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}

/// <summary>A journal or snapshot store could not be opened or migrated.</summary>
public sealed class PersistenceStoreException(string message, Exception? inner = null) : PersistenceException(message, inner);

/// <summary>
/// A journal write was refused because its writer no longer holds the lease its fencing token names (another owner
/// took it over, at a higher epoch). Nothing of the write was stored; the writer must stop writing for this id.
/// </summary>
public sealed class FencedException(string persistenceId, long firstSequenceNr, string leaseKey, string? owner, long epoch, string journal)
    : PersistenceException(owner is null
        ? $"The write of persistence id '{persistenceId}' from sequence number {firstSequenceNr} was refused by the {journal}: " +
          $"it may only go in while nobody holds the lease '{leaseKey}', and somebody does. Let the lease holder write for it."
        : $"The write of persistence id '{persistenceId}' from sequence number {firstSequenceNr} was refused by the {journal}: " +
          $"this writer ('{owner}', epoch {epoch}) no longer holds the lease '{leaseKey}' — another node took it over. " +
          "Stop this writer for the id; the lease holder goes on from the journal.")
{
    public string PersistenceId { get; } = persistenceId;
    public string LeaseKey { get; } = leaseKey;
    public string? Owner { get; } = owner;
    public long Epoch { get; } = epoch;
}
