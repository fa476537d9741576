namespace LlmSpell.Actors.Persistence;

/// <summary>
/// Turns events and snapshots into a manifest plus JSON and back. The manifest is a stable, versioned
/// name registered for a type (e.g. <c>step-completed.v1</c>), never a CLR type name, so that types can be
/// renamed and moved without breaking stored events.
/// </summary>
public interface IEventSerializer
{
    /// <summary>The manifest and JSON of <paramref name="value"/>; throws <see cref="UnregisteredEventTypeException"/> for an unknown type.</summary>
    SerializedValue Serialize(object value);

    /// <summary>The object stored as <paramref name="payload"/> under <paramref name="manifest"/>; throws <see cref="UnknownManifestException"/> or a JSON error.</summary>
    object Deserialize(string manifest, string payload);
}

/// <summary>Deserialization with the error that names the stored event.</summary>
public static class EventSerializerExtensions
{
    /// <summary>Deserializes a stored event; any failure becomes an <see cref="EventDeserializationException"/> naming its id, sequence number and manifest.</summary>
    public static object DeserializeEvent(this IEventSerializer serializer, PersistentRepr repr)
    {
        try
        {
            return serializer.Deserialize(repr.Manifest, repr.Payload);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new EventDeserializationException(repr.PersistenceId, repr.SequenceNr, repr.Manifest, ex);
        }
    }

    /// <summary>Deserializes a stored snapshot; any failure becomes a <see cref="SnapshotDeserializationException"/>.</summary>
    public static object DeserializeSnapshot(this IEventSerializer serializer, SnapshotRecord snapshot)
    {
        try
        {
            return serializer.Deserialize(snapshot.Manifest, snapshot.Payload);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new SnapshotDeserializationException(snapshot.Metadata.PersistenceId, snapshot.Metadata.SequenceNr, snapshot.Manifest, ex);
        }
    }
}
