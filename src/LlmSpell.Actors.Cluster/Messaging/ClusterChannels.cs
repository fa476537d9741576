using System.Globalization;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>The LISTEN/NOTIFY channels of a cluster, one pair per PostgreSQL schema so that clusters sharing a server do not wake each other.</summary>
public static class ClusterChannels
{
    // PostgreSQL channel names are identifiers: at most 63 bytes.
    private const int MaxLength = 63;

    /// <summary>Notified with the target (<c>run:&lt;id&gt;</c> or <c>node:&lt;name&gt;</c>) when a message is put in the inbox.</summary>
    public static string InboxOf(string schema) => Name("llmspell_inbox_", schema);

    /// <summary>Notified with the persistence id (<c>run-&lt;id&gt;</c>) when a run's journal grows.</summary>
    public static string JournalOf(string schema) => Name("llmspell_journal_", schema);

    private static string Name(string prefix, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        var name = prefix + schema;
        if (name.Length <= MaxLength) return name;
        // A long schema keeps a readable start and a stable hash of the whole (string.GetHashCode differs per process).
        var hash = 2166136261u;
        foreach (var c in schema) hash = (hash ^ c) * 16777619u;
        return name[..(MaxLength - 9)] + "_" + hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
