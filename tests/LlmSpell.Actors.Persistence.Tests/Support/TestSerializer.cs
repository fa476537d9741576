namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>The serializer every spec uses: the counter's event and snapshot under versioned manifests.</summary>
public static class TestSerializer
{
    public const string AddedManifest = "added.v1";
    public const string SnapshotManifest = "counter-snapshot.v1";

    public static JsonEventSerializer Create() => new JsonEventSerializer()
        .Register<Added>(AddedManifest)
        .Register<CounterSnapshot>(SnapshotManifest);

    /// <summary>A persistence id unique to one test.</summary>
    public static string NewPersistenceId(string name = "p") => $"{name}-{Guid.NewGuid():N}";

    /// <summary>Events <c>Added(i)</c> for sequence numbers from..to, stamped with a millisecond timestamp.</summary>
    public static List<PersistentRepr> Events(string persistenceId, long from, long to, params string[] tags)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var list = new List<PersistentRepr>();
        for (var seq = from; seq <= to; seq++)
            list.Add(new PersistentRepr(persistenceId, seq, AddedManifest, $"{{\"value\":{seq}}}", now) { Tags = tags });
        return list;
    }
}
