using System.Runtime.CompilerServices;

namespace LlmSpell.Actors.Persistence;

/// <summary>
/// The journal, snapshot store and serializer of one actor system — what every persistent actor of the
/// system uses (Akka's <c>Persistence</c> extension). Register once after creating the system:
/// <code>
/// var store = await SqliteStore.OpenAsync(SqliteOptions.Default);
/// PersistenceExtension.Register(system, store.Journal, store.SnapshotStore, serializer);
/// </code>
/// The caller owns the stores: dispose them after the system has terminated.
/// </summary>
public sealed class PersistenceExtension
{
    private static readonly ConditionalWeakTable<ActorSystem, PersistenceExtension> Registry = new();

    private PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, IEventSerializer serializer)
    {
        Journal = journal;
        SnapshotStore = snapshotStore;
        Serializer = serializer;
    }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public IEventSerializer Serializer { get; }

    /// <summary>Makes <paramref name="journal"/>, <paramref name="snapshotStore"/> and <paramref name="serializer"/> the system's persistence; once per system.</summary>
    public static PersistenceExtension Register(ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, IEventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshotStore);
        ArgumentNullException.ThrowIfNull(serializer);
        var extension = new PersistenceExtension(journal, snapshotStore, serializer);
        if (!Registry.TryAdd(system, extension))
            throw new InvalidOperationException($"Actor system '{system.Name}' already has persistence registered; register it once, right after creating the system.");
        return extension;
    }

    /// <summary>The system's persistence; throws <see cref="PersistenceNotRegisteredException"/> when none was registered.</summary>
    public static PersistenceExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Registry.TryGetValue(system, out var extension) ? extension : throw new PersistenceNotRegisteredException(system.Name);
    }

    public static bool TryGet(ActorSystem system, out PersistenceExtension? extension) => Registry.TryGetValue(system, out extension);
}
