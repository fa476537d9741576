using System.Text.RegularExpressions;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>
/// The lease a journal write must still hold: row <see cref="LeaseKey"/> of the lease table names
/// <see cref="Owner"/> at <see cref="Epoch"/>. With a null owner the write goes in only while the row does not exist
/// (the first events of something nobody owns yet).
/// </summary>
public sealed record PostgresFencingToken(string LeaseKey, string? Owner, long Epoch);

/// <summary>
/// Fences journal writes with leases (fencing tokens): each write is checked against a lease table in the same
/// statement as its INSERT, the lease row read <c>FOR SHARE</c>, so a takeover (an UPDATE of the row that bumps its
/// epoch) and a stale writer's write serialize — the write lands before the takeover or not at all.
/// The table has the columns <see cref="KeyColumn"/> (text), <c>owner</c> (text) and <c>epoch</c> (bigint).
/// </summary>
public sealed partial record PostgresFencing
{
    /// <param name="table">The lease table, optionally schema-qualified (e.g. <c>cluster.run_leases</c>).</param>
    /// <param name="keyColumn">Its key column (e.g. <c>run_id</c>).</param>
    /// <param name="tokenOf">The token of a persistence id's writes; null writes without a check.</param>
    public PostgresFencing(string table, string keyColumn, Func<string, PostgresFencingToken?> tokenOf)
    {
        Table = QualifiedName().IsMatch(table ?? "") ? table! : throw new ArgumentException($"The lease table must be a lower-case SQL name (schema.table), got '{table}'.", nameof(table));
        KeyColumn = QualifiedName().IsMatch(keyColumn ?? "") && !keyColumn!.Contains('.') ? keyColumn : throw new ArgumentException($"The key column must be a lower-case SQL identifier, got '{keyColumn}'.", nameof(keyColumn));
        TokenOf = tokenOf ?? throw new ArgumentNullException(nameof(tokenOf));
    }

    public string Table { get; }
    public string KeyColumn { get; }
    public Func<string, PostgresFencingToken?> TokenOf { get; }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?$")]
    private static partial Regex QualifiedName();
}
