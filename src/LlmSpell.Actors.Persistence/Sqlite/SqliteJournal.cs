using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Actors.Persistence.Sqlite;

/// <summary>The journal of a <see cref="SqliteStore"/>: writes through its group-committing writer, replays from pooled readers.</summary>
internal sealed class SqliteJournal(SqliteStore store) : IJournal
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private const string InsertSql =
        "INSERT INTO journal (persistence_id, sequence_nr, ordering, created, manifest, payload, tags) VALUES ($pid, $seq, $ord, $created, $manifest, $payload, $tags)";

    private const string TouchIdSql = "INSERT OR IGNORE INTO journal_metadata (persistence_id, deleted_to) VALUES ($pid, 0)";

    public Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidateBatch(events);
        if (events.Count == 0) return Task.CompletedTask;
        return store.Enqueue(context =>
        {
            Insert(context, events);
            return true;
        }, events.Count, readOnly: false, cancellationToken);
    }

    private void Insert(SqliteStore.WriterContext context, IReadOnlyList<PersistentRepr> events)
    {
        var touch = context.Command(TouchIdSql, "$pid");
        touch.Parameters[0].Value = events[0].PersistenceId;
        touch.ExecuteNonQuery();
        var insert = context.Command(InsertSql, "$pid", "$seq", "$ord", "$created", "$manifest", "$payload", "$tags");
        var p = insert.Parameters;
        foreach (var e in events)
        {
            p[0].Value = e.PersistenceId;
            p[1].Value = e.SequenceNr;
            p[2].Value = ++context.Ordering;
            p[3].Value = e.Timestamp.ToUnixTimeMilliseconds();
            p[4].Value = e.Manifest;
            p[5].Value = e.Payload;
            p[6].Value = e.Tags.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(e.Tags);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint
                                             && ex.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique)
            {
                throw new ConcurrentWriteException(e.PersistenceId, e.SequenceNr, e.SequenceNr, store.Describe, ex);
            }
        }
    }

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        JournalGuard.ValidateRange(fromSequenceNr, toSequenceNr, max);
        if (max == 0 || fromSequenceNr > toSequenceNr) yield break;
        await using var connection = store.OpenReadConnection();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sequence_nr, created, manifest, payload, tags FROM journal " +
            "WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to ORDER BY sequence_nr LIMIT $max";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$from", fromSequenceNr);
        command.Parameters.AddWithValue("$to", toSequenceNr);
        command.Parameters.AddWithValue("$max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new PersistentRepr(persistenceId, reader.GetInt64(0), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))
            {
                Tags = reader.IsDBNull(4) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [],
            };
        }
    }

    // Through the writer, so that it counts every write queued before it (as Akka's journal actor answers in order).
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        return store.Enqueue(context =>
        {
            var read = context.Command(
                "SELECT MAX(COALESCE((SELECT MAX(sequence_nr) FROM journal WHERE persistence_id = $pid), 0), " +
                "COALESCE((SELECT deleted_to FROM journal_metadata WHERE persistence_id = $pid), 0))", "$pid");
            read.Parameters[0].Value = persistenceId;
            return (long)read.ExecuteScalar()!;
        }, 0, readOnly: true, cancellationToken);
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        return store.Enqueue(context =>
        {
            var highest = context.Command("SELECT MAX(sequence_nr) FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to", "$pid", "$to");
            highest.Parameters[0].Value = persistenceId;
            highest.Parameters[1].Value = toSequenceNr;
            if (highest.ExecuteScalar() is not long deletedTo) return true;
            var keep = context.Command(
                "INSERT INTO journal_metadata (persistence_id, deleted_to) VALUES ($pid, $to) " +
                "ON CONFLICT (persistence_id) DO UPDATE SET deleted_to = MAX(deleted_to, excluded.deleted_to)", "$pid", "$to");
            keep.Parameters[0].Value = persistenceId;
            keep.Parameters[1].Value = deletedTo;
            keep.ExecuteNonQuery();
            var delete = context.Command("DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to", "$pid", "$to");
            delete.Parameters[0].Value = persistenceId;
            delete.Parameters[1].Value = toSequenceNr;
            delete.ExecuteNonQuery();
            return true;
        }, 1, readOnly: false, cancellationToken);
    }

    public async IAsyncEnumerable<string> PersistenceIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = store.OpenReadConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id FROM journal_metadata ORDER BY persistence_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return reader.GetString(0);
    }
}
