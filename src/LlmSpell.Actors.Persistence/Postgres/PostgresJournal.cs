using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>
/// The journal of a <see cref="PostgresStore"/>. Writes go through writer loops that put every write queued
/// meanwhile into one INSERT (one round trip, one commit); if that statement hits a taken sequence number,
/// the writes of the group are retried one statement each, so only the conflicting one fails.
/// </summary>
internal sealed class PostgresJournal : IJournal
{
    private const string UniqueViolation = "23505";
    private const string DeadlockDetected = "40P01";
    private readonly PostgresStore _store;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>();
    private readonly Task[] _writers;
    private readonly string _insertSql;
    private readonly string _replaySql;
    private readonly string _highestSql;
    private readonly string _deleteSql;
    private readonly string _idsSql;

    public PostgresJournal(PostgresStore store)
    {
        _store = store;
        var s = store.Schema;
        // One statement: the ids are recorded and the rows inserted atomically; unnest turns the arrays into rows, in order.
        _insertSql =
            $"WITH ids AS (INSERT INTO {s}.journal_metadata (persistence_id) SELECT DISTINCT p FROM unnest(@pids) AS p ORDER BY p ON CONFLICT DO NOTHING) " +
            $"INSERT INTO {s}.journal (persistence_id, sequence_nr, created, manifest, payload, tags) " +
            "SELECT u.pid, u.seq, u.created, u.manifest, u.payload::jsonb, " +
            "CASE WHEN u.tags = '' THEN '{}'::text[] ELSE string_to_array(u.tags, chr(31)) END " +
            "FROM unnest(@pids, @seqs, @created, @manifests, @payloads, @tags) AS u(pid, seq, created, manifest, payload, tags)";
        if (store.Options.Fencing is { } fencing)
        {
            // Each row goes in only while its writer holds the lease; the lease row is read FOR SHARE, so a takeover
            // (an UPDATE that bumps the epoch) waits for this statement or makes it insert nothing. RETURNING tells
            // which persistence ids went in.
            var (t, k) = (fencing.Table, fencing.KeyColumn);
            _insertSql = _insertSql
                .Replace("unnest(@pids, @seqs, @created, @manifests, @payloads, @tags) AS u(pid, seq, created, manifest, payload, tags)",
                    "unnest(@pids, @seqs, @created, @manifests, @payloads, @tags, @fkeys, @fowners, @fepochs) AS u(pid, seq, created, manifest, payload, tags, fkey, fowner, fepoch)",
                    StringComparison.Ordinal) +
                " WHERE u.fkey IS NULL" +
                $" OR (u.fowner IS NULL AND NOT EXISTS (SELECT 1 FROM {t} l WHERE l.{k} = u.fkey))" +
                $" OR EXISTS (SELECT 1 FROM {t} l WHERE l.{k} = u.fkey AND l.owner = u.fowner AND l.epoch = u.fepoch FOR SHARE)" +
                " RETURNING persistence_id";
        }
        _replaySql =
            $"SELECT sequence_nr, created, manifest, payload::text, tags FROM {s}.journal " +
            "WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to ORDER BY sequence_nr LIMIT @max";
        _highestSql =
            $"SELECT GREATEST(COALESCE((SELECT MAX(sequence_nr) FROM {s}.journal WHERE persistence_id = @pid), 0), " +
            $"COALESCE((SELECT deleted_to FROM {s}.journal_metadata WHERE persistence_id = @pid), 0))";
        _deleteSql =
            $"WITH gone AS (DELETE FROM {s}.journal WHERE persistence_id = @pid AND sequence_nr <= @to RETURNING sequence_nr) " +
            $"INSERT INTO {s}.journal_metadata (persistence_id, deleted_to) SELECT @pid, MAX(sequence_nr) FROM gone HAVING MAX(sequence_nr) IS NOT NULL " +
            $"ON CONFLICT (persistence_id) DO UPDATE SET deleted_to = GREATEST({s}.journal_metadata.deleted_to, EXCLUDED.deleted_to)";
        _idsSql = $"SELECT persistence_id FROM {s}.journal_metadata ORDER BY persistence_id";
        _writers = Enumerable.Range(0, store.Options.WriterConnections).Select(_ => Task.Run(RunWriterAsync)).ToArray();
    }

    private sealed class PendingWrite(IReadOnlyList<PersistentRepr> events, CancellationToken token)
    {
        public IReadOnlyList<PersistentRepr> Events { get; } = events;
        public CancellationToken Token { get; } = token;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task WriteAsync(IReadOnlyList<PersistentRepr> events, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidateBatch(events);
        if (events.Count == 0) return Task.CompletedTask;
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        var write = new PendingWrite(events, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
            return Task.FromException(new ObjectDisposedException(nameof(PostgresStore), $"The {_store.Describe} is closed."));
        return write.Completion.Task;
    }

    internal async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var group = new List<PendingWrite>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var events = 0;
            while (events < _store.Options.MaxEventsPerStatement && reader.TryRead(out var write))
            {
                if (write.Token.IsCancellationRequested) write.Completion.TrySetCanceled(write.Token);
                else
                {
                    group.Add(write);
                    events += write.Events.Count;
                }
            }
            if (group.Count > 0) await WriteGroupAsync(group).ConfigureAwait(false);
            group.Clear();
        }
    }

    private async Task WriteGroupAsync(List<PendingWrite> group)
    {
        try
        {
            var fenced = await InsertAsync(group.Count == 1 ? group[0].Events : group.SelectMany(w => w.Events).ToList()).ConfigureAwait(false);
            foreach (var write in group) Settle(write, fenced);
            return;
        }
        catch (PostgresException ex) when (group.Count > 1 && ex.SqlState is UniqueViolation or DeadlockDetected)
        {
            // Someone's sequence numbers are taken: find whose, one statement per write.
        }
        catch (Exception ex)
        {
            foreach (var write in group) write.Completion.TrySetException(Translate(ex, write.Events));
            return;
        }
        foreach (var write in group)
        {
            try
            {
                Settle(write, await InsertAsync(write.Events).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                write.Completion.TrySetException(Translate(ex, write.Events));
            }
        }
    }

    /// <summary>What a fenced statement inserted: the token each persistence id was written with, and the ids that went in.</summary>
    private sealed record FencedInsert(Dictionary<string, PostgresFencingToken?> Tokens, HashSet<string> Inserted);

    private void Settle(PendingWrite write, FencedInsert? fenced)
    {
        var first = write.Events[0];
        if (fenced is not null && fenced.Tokens[first.PersistenceId] is { } token && !fenced.Inserted.Contains(first.PersistenceId))
            write.Completion.TrySetException(new FencedException(first.PersistenceId, first.SequenceNr, token.LeaseKey, token.Owner, token.Epoch, _store.Describe));
        else write.Completion.TrySetResult();
    }

    private Exception Translate(Exception ex, IReadOnlyList<PersistentRepr> events) =>
        ex is PostgresException { SqlState: UniqueViolation }
            ? new ConcurrentWriteException(events[0].PersistenceId, events[0].SequenceNr, events[^1].SequenceNr, _store.Describe, ex)
            : ex;

    /// <summary>Inserts the events in one statement; with fencing, returns which persistence ids went in.</summary>
    private async Task<FencedInsert?> InsertAsync(IReadOnlyList<PersistentRepr> events)
    {
        var n = events.Count;
        var pids = new string[n];
        var seqs = new long[n];
        var created = new DateTime[n];
        var manifests = new string[n];
        var payloads = new string[n];
        var tags = new string[n];
        for (var i = 0; i < n; i++)
        {
            var e = events[i];
            pids[i] = e.PersistenceId;
            seqs[i] = e.SequenceNr;
            created[i] = e.Timestamp.UtcDateTime;
            manifests[i] = e.Manifest;
            payloads[i] = e.Payload;
            tags[i] = string.Join('\u001f', e.Tags);
        }
        await using var command = _store.DataSource.CreateCommand(_insertSql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("pids", pids));
        command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", seqs));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("created", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = created });
        command.Parameters.Add(new NpgsqlParameter<string[]>("manifests", manifests));
        command.Parameters.Add(new NpgsqlParameter<string[]>("payloads", payloads));
        command.Parameters.Add(new NpgsqlParameter<string[]>("tags", tags));
        if (_store.Options.Fencing is not { } fencing)
        {
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            return null;
        }
        // One token per persistence id and statement: all its rows are checked against the same lease.
        var tokens = new Dictionary<string, PostgresFencingToken?>(StringComparer.Ordinal);
        var keys = new string?[n];
        var owners = new string?[n];
        var epochs = new long[n];
        for (var i = 0; i < n; i++)
        {
            if (!tokens.TryGetValue(pids[i], out var token)) tokens[pids[i]] = token = fencing.TokenOf(pids[i]);
            (keys[i], owners[i], epochs[i]) = (token?.LeaseKey, token?.Owner, token?.Epoch ?? 0);
        }
        command.Parameters.Add(new NpgsqlParameter<string?[]>("fkeys", keys));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("fowners", owners));
        command.Parameters.Add(new NpgsqlParameter<long[]>("fepochs", epochs));
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
            while (await reader.ReadAsync().ConfigureAwait(false)) inserted.Add(reader.GetString(0));
        return new FencedInsert(tokens, inserted);
    }

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        JournalGuard.ValidateRange(fromSequenceNr, toSequenceNr, max);
        if (max == 0 || fromSequenceNr > toSequenceNr) yield break;
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_replaySql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("from", fromSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("to", toSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new PersistentRepr(persistenceId, reader.GetInt64(0), reader.GetString(2), reader.GetString(3),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero))
            {
                Tags = reader.GetFieldValue<string[]>(4),
            };
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        await using var command = _store.DataSource.CreateCommand(_highestSql);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        JournalGuard.ValidatePersistenceId(persistenceId);
        await using var command = _store.DataSource.CreateCommand(_deleteSql);
        command.Parameters.Add(new NpgsqlParameter<string>("pid", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("to", toSequenceNr));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> PersistenceIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_idsSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return reader.GetString(0);
    }
}
