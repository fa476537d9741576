using Npgsql;
using NpgsqlTypes;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>The snapshot store of a <see cref="PostgresStore"/>.</summary>
internal sealed class PostgresSnapshotStore(PostgresStore store) : ISnapshotStore
{
    private const string Where = "AND sequence_nr <= @maxSeq AND sequence_nr >= @minSeq AND created <= @maxTs AND created >= @minTs";

    public async Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var m = snapshot.Metadata;
        JournalGuard.ValidatePersistenceId(m.PersistenceId);
        await using var command = store.DataSource.CreateCommand(
            $"INSERT INTO {store.Schema}.snapshots (persistence_id, sequence_nr, created, manifest, payload) VALUES (@pid, @seq, @created, @manifest, @payload::jsonb) " +
            "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created = EXCLUDED.created, manifest = EXCLUDED.manifest, payload = EXCLUDED.payload");
        command.Parameters.Add(new NpgsqlParameter<string>("pid", m.PersistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", m.SequenceNr));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("created", NpgsqlDbType.TimestampTz) { TypedValue = m.Timestamp.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<string>("manifest", snapshot.Manifest));
        command.Parameters.Add(new NpgsqlParameter<string>("payload", snapshot.Payload));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SnapshotRecord?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        if (criteria.IsNone) return null;
        await using var command = store.DataSource.CreateCommand(
            $"SELECT sequence_nr, created, manifest, payload::text FROM {store.Schema}.snapshots WHERE persistence_id = @pid {Where} ORDER BY sequence_nr DESC LIMIT 1");
        Bind(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new SnapshotRecord(
            new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero)),
            reader.GetString(2), reader.GetString(3));
    }

    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await using var command = store.DataSource.CreateCommand($"DELETE FROM {store.Schema}.snapshots WHERE persistence_id = @pid AND sequence_nr = @seq");
        command.Parameters.Add(new NpgsqlParameter<string>("pid", metadata.PersistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", metadata.SequenceNr));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await using var command = store.DataSource.CreateCommand($"DELETE FROM {store.Schema}.snapshots WHERE persistence_id = @pid {Where}");
        Bind(command, persistenceId, criteria);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // timestamptz has a narrower range than DateTimeOffset: clamp the open ends to ±infinity.
    private static void Bind(NpgsqlCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("maxSeq", criteria.MaxSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("minSeq", criteria.MinSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("maxTs", NpgsqlDbType.TimestampTz)
        {
            TypedValue = criteria.MaxTimestamp == DateTimeOffset.MaxValue ? DateTime.MaxValue : criteria.MaxTimestamp.UtcDateTime,
        });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("minTs", NpgsqlDbType.TimestampTz)
        {
            TypedValue = criteria.MinTimestamp == DateTimeOffset.MinValue ? DateTime.MinValue : criteria.MinTimestamp.UtcDateTime,
        });
    }
}
