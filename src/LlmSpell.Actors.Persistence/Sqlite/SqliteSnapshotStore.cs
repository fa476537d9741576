namespace LlmSpell.Actors.Persistence.Sqlite;

/// <summary>The snapshot store of a <see cref="SqliteStore"/>: saves and deletes through its writer, loads from a pooled reader.</summary>
internal sealed class SqliteSnapshotStore(SqliteStore store) : ISnapshotStore
{
    public Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var m = snapshot.Metadata;
        JournalGuard.ValidatePersistenceId(m.PersistenceId);
        return store.Enqueue(context =>
        {
            var save = context.Command(
                "INSERT INTO snapshots (persistence_id, sequence_nr, created, manifest, payload) VALUES ($pid, $seq, $created, $manifest, $payload) " +
                "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created = excluded.created, manifest = excluded.manifest, payload = excluded.payload",
                "$pid", "$seq", "$created", "$manifest", "$payload");
            save.Parameters[0].Value = m.PersistenceId;
            save.Parameters[1].Value = m.SequenceNr;
            save.Parameters[2].Value = m.Timestamp.ToUnixTimeMilliseconds();
            save.Parameters[3].Value = snapshot.Manifest;
            save.Parameters[4].Value = snapshot.Payload;
            save.ExecuteNonQuery();
            return true;
        }, 1, readOnly: false, cancellationToken);
    }

    public async Task<SnapshotRecord?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        if (criteria.IsNone) return null;
        await using var connection = store.OpenReadConnection();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sequence_nr, created, manifest, payload FROM snapshots WHERE persistence_id = $pid " + Where +
            " ORDER BY sequence_nr DESC LIMIT 1";
        Bind(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new SnapshotRecord(
            new SnapshotMetadata(persistenceId, reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))),
            reader.GetString(2), reader.GetString(3));
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return store.Enqueue(context =>
        {
            var delete = context.Command("DELETE FROM snapshots WHERE persistence_id = $pid AND sequence_nr = $seq", "$pid", "$seq");
            delete.Parameters[0].Value = metadata.PersistenceId;
            delete.Parameters[1].Value = metadata.SequenceNr;
            delete.ExecuteNonQuery();
            return true;
        }, 1, readOnly: false, cancellationToken);
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        return store.Enqueue(context =>
        {
            var delete = context.Command("DELETE FROM snapshots WHERE persistence_id = $pid " + Where, "$pid", "$maxSeq", "$minSeq", "$maxTs", "$minTs");
            delete.Parameters[0].Value = persistenceId;
            delete.Parameters[1].Value = criteria.MaxSequenceNr;
            delete.Parameters[2].Value = criteria.MinSequenceNr;
            delete.Parameters[3].Value = criteria.MaxTimestamp.ToUnixTimeMilliseconds();
            delete.Parameters[4].Value = criteria.MinTimestamp.ToUnixTimeMilliseconds();
            delete.ExecuteNonQuery();
            return true;
        }, 1, readOnly: false, cancellationToken);
    }

    private const string Where = "AND sequence_nr <= $maxSeq AND sequence_nr >= $minSeq AND created <= $maxTs AND created >= $minTs";

    private static void Bind(Microsoft.Data.Sqlite.SqliteCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$maxSeq", criteria.MaxSequenceNr);
        command.Parameters.AddWithValue("$minSeq", criteria.MinSequenceNr);
        command.Parameters.AddWithValue("$maxTs", criteria.MaxTimestamp.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$minTs", criteria.MinTimestamp.ToUnixTimeMilliseconds());
    }
}
