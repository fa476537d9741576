using Npgsql;

namespace LlmSpell.Actors.Cluster;

/// <summary>A node as <c>llmspell node list</c> shows it. <see cref="State"/> is <c>up</c>, <c>down</c> (its heartbeat expired), <c>leaving</c> or <c>left</c>.</summary>
public sealed record ClusterNodeInfo(string Name, string Address, string State, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, TimeSpan HeartbeatAge, int Runs);

/// <summary>A run's lease: the node that owns (runs) it, the epoch of that ownership (its fencing token) and when it lapses.</summary>
public sealed record RunLease(string RunId, string Owner, long Epoch, DateTimeOffset ExpiresAt);

/// <summary>
/// The statements on <c>nodes</c> and <c>run_leases</c>. Every lease comparison uses the database's clock (now()),
/// never a node's, so clock skew between machines cannot make two nodes believe they own a run.
/// </summary>
internal sealed class ClusterTables(NpgsqlDataSource dataSource, ClusterOptions options)
{
    private readonly string _s = options.Schema;

    /// <summary>
    /// Registers the node; false when a live node already has the name. A node coming back under its old name bumps the
    /// epochs of the leases that still name it, so that a stale incarnation of it (paused, not dead) is fenced.
    /// </summary>
    public async Task<bool> RegisterAsync(string name, string address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {_s}.nodes (name, address, started_at, heartbeat_at, expires_at, state) VALUES ($1, $2, now(), now(), now() + $3, 'up') " +
            $"ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, started_at = now(), heartbeat_at = now(), expires_at = EXCLUDED.expires_at, state = 'up' " +
            $"WHERE {_s}.nodes.state IN ('left', 'down') OR {_s}.nodes.expires_at < now()", connection, transaction))
        {
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(address);
            insert.Parameters.AddWithValue(options.LeaseExpiry);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0) return false;
        }
        await using (var bump = new NpgsqlCommand($"UPDATE {_s}.run_leases SET epoch = epoch + 1, updated_at = now() WHERE owner = $1", connection, transaction))
        {
            bump.Parameters.AddWithValue(name);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// One round trip per heartbeat: renews the node and every lease it owns, marks nodes whose heartbeat expired as
    /// down (for display), and returns the leases the node owns now.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> HeartbeatAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"WITH me AS (UPDATE {_s}.nodes SET heartbeat_at = now(), expires_at = now() + $2, state = CASE WHEN state = 'leaving' THEN state ELSE 'up' END " +
            "WHERE name = $1 AND state <> 'left' RETURNING name), " +
            $"dead AS (UPDATE {_s}.nodes SET state = 'down' WHERE state = 'up' AND expires_at < now() AND name <> $1 RETURNING name) " +
            $"UPDATE {_s}.run_leases SET expires_at = now() + $2, updated_at = now() WHERE owner = $1 RETURNING run_id, epoch");
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(options.LeaseExpiry);
        return await ReadLeasesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The leases the node owns now: run id → epoch.</summary>
    public async Task<IReadOnlyDictionary<string, long>> OwnedAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT run_id, epoch FROM {_s}.run_leases WHERE owner = $1");
        command.Parameters.AddWithValue(name);
        return await ReadLeasesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes over leases that lapsed (their owner stopped heartbeating), spreading a dead node's runs over the survivors:
    /// least-loaded first — a node owning more runs than the least-loaded live node claims a lease only once it has been
    /// lapsed for a further heartbeat (in case that node cannot) — and at most a fair share per round (lapsed ÷ live
    /// nodes, rounded up). SKIP LOCKED keeps nodes claiming at once from waiting on each other; each claim bumps the
    /// epoch, fencing the old owner.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ClaimLapsedAsync(string name, IReadOnlyCollection<string> runningHere, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"WITH live AS (SELECT n.name, (SELECT count(*) FROM {_s}.run_leases l WHERE l.owner = n.name) AS runs FROM {_s}.nodes n " +
            "WHERE n.state = 'up' AND n.expires_at > now()), " +
            $"mine AS (SELECT count(*) AS runs FROM {_s}.run_leases WHERE owner = $1), " +
            $"lapsed AS (SELECT count(*) AS n FROM {_s}.run_leases WHERE expires_at < now()), " +
            $"pick AS (SELECT run_id FROM {_s}.run_leases WHERE expires_at < now() AND NOT (run_id = ANY($3)) " +
            "AND ((SELECT runs FROM mine) <= COALESCE((SELECT min(runs) FROM live), 0) OR expires_at < now() - $4) " +
            "ORDER BY expires_at, run_id " +
            "LIMIT (SELECT ceil(lapsed.n::numeric / GREATEST((SELECT count(*) FROM live), 1))::bigint FROM lapsed) FOR UPDATE SKIP LOCKED) " +
            $"UPDATE {_s}.run_leases r SET owner = $1, epoch = r.epoch + 1, expires_at = now() + $2, updated_at = now() " +
            "FROM pick WHERE r.run_id = pick.run_id AND r.expires_at < now() RETURNING r.run_id, r.epoch");
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(options.LeaseExpiry);
        command.Parameters.AddWithValue(runningHere.ToArray());
        command.Parameters.AddWithValue(options.HeartbeatInterval);
        return await ReadLeasesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the lease of a new run for <paramref name="owner"/> (epoch 1) and wakes that node when it is another one.</summary>
    public async Task AssignNewAsync(string runId, string owner, bool notify, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(notify
            ? $"WITH l AS (INSERT INTO {_s}.run_leases (run_id, owner, epoch, expires_at) VALUES ($1, $2, 1, now() + $3) RETURNING owner) SELECT pg_notify($4, owner) FROM l"
            : $"INSERT INTO {_s}.run_leases (run_id, owner, epoch, expires_at) VALUES ($1, $2, 1, now() + $3)");
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(options.LeaseExpiry);
        if (notify) command.Parameters.AddWithValue(options.Channel);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the lease of one run for <paramref name="owner"/>: creates it (epoch 1) when the run has none, or takes it
    /// over (epoch + 1, fencing the old owner) when it lapsed. Returns the epoch, or null when a live node holds it.
    /// </summary>
    public async Task<long?> ClaimAsync(string runId, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {_s}.run_leases (run_id, owner, epoch, expires_at) VALUES ($1, $2, 1, now() + $3) " +
            $"ON CONFLICT (run_id) DO UPDATE SET owner = EXCLUDED.owner, epoch = {_s}.run_leases.epoch + 1, expires_at = EXCLUDED.expires_at, updated_at = now() " +
            $"WHERE {_s}.run_leases.expires_at < now() RETURNING epoch");
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(options.LeaseExpiry);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long epoch ? epoch : null;
    }

    /// <summary>The live node owning the fewest runs (ties broken at random, so that a burst of submissions spreads), or null.</summary>
    public Task<string?> LeastLoadedAsync(string? except, CancellationToken cancellationToken) => LeastLoadedAsync(dataSource, _s, except, cancellationToken);

    /// <inheritdoc cref="LeastLoadedAsync(string?, CancellationToken)"/>
    /// <remarks>For readers of the tables that are not nodes (a messaging client).</remarks>
    public static async Task<string?> LeastLoadedAsync(NpgsqlDataSource dataSource, string schema, string? except, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT n.name FROM {schema}.nodes n WHERE n.state = 'up' AND n.expires_at > now() AND n.name IS DISTINCT FROM $1 " +
            $"ORDER BY (SELECT count(*) FROM {schema}.run_leases l WHERE l.owner = n.name), random() LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = except, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Drops the lease of a run that ended, if the node still holds it at that epoch; false when it had lost it.</summary>
    public async Task<bool> ReleaseEndedAsync(string runId, string owner, long epoch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {_s}.run_leases WHERE run_id = $1 AND owner = $2 AND epoch = $3");
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(epoch);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>
    /// A leaving node hands each of its runs to a live node, least-loaded first, with the epoch bumped (fencing whatever
    /// it still had in flight) and a NOTIFY, so the new owner resumes it at once. With no live node left the leases
    /// lapse now, to be claimed by the next node that starts. Returns run id → new owner (null: lapsed).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> HandOverAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<string>();
        await using (var mine = new NpgsqlCommand($"SELECT run_id FROM {_s}.run_leases WHERE owner = $1 ORDER BY run_id FOR UPDATE", connection, transaction))
        {
            mine.Parameters.AddWithValue(name);
            await using var reader = await mine.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) runs.Add(reader.GetString(0));
        }
        var loads = new List<(string Node, long Runs)>();
        await using (var live = new NpgsqlCommand(
            $"SELECT n.name, (SELECT count(*) FROM {_s}.run_leases l WHERE l.owner = n.name) FROM {_s}.nodes n " +
            "WHERE n.state = 'up' AND n.expires_at > now() AND n.name <> $1", connection, transaction))
        {
            live.Parameters.AddWithValue(name);
            await using var reader = await live.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) loads.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        var handed = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var runId in runs)
        {
            string? target = null;
            if (loads.Count > 0)
            {
                var least = loads.Select((l, i) => (l, i)).MinBy(x => x.l.Runs);
                target = least.l.Node;
                loads[least.i] = (target, least.l.Runs + 1);
            }
            await using var move = new NpgsqlCommand(target is null
                ? $"UPDATE {_s}.run_leases SET epoch = epoch + 1, expires_at = now(), updated_at = now() WHERE run_id = $1"
                : $"UPDATE {_s}.run_leases SET owner = $2, epoch = epoch + 1, expires_at = now() + $3, updated_at = now() WHERE run_id = $1", connection, transaction);
            move.Parameters.AddWithValue(runId);
            if (target is not null)
            {
                move.Parameters.AddWithValue(target);
                move.Parameters.AddWithValue(options.LeaseExpiry);
            }
            await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            handed[runId] = target;
        }
        // Notifications are delivered at commit: the new owners see the leases when they wake.
        foreach (var target in handed.Values.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, transaction);
            notify.Parameters.AddWithValue(options.Channel);
            notify.Parameters.AddWithValue(target);
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return handed;
    }

    public async Task SetStateAsync(string name, string state, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE {_s}.nodes SET state = $2, expires_at = CASE WHEN $2 = 'left' THEN now() ELSE expires_at END WHERE name = $1");
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(state);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClusterNodeInfo>> ListNodesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT n.name, n.address, CASE WHEN n.state = 'up' AND n.expires_at < now() THEN 'down' ELSE n.state END, n.started_at, n.heartbeat_at, " +
            $"now() - n.heartbeat_at, (SELECT count(*) FROM {_s}.run_leases l WHERE l.owner = n.name) FROM {_s}.nodes n ORDER BY n.name");
        var nodes = new List<ClusterNodeInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nodes.Add(new ClusterNodeInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<TimeSpan>(5), (int)reader.GetInt64(6)));
        }
        return nodes;
    }

    public async Task<IReadOnlyList<RunLease>> ListLeasesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT run_id, owner, epoch, expires_at FROM {_s}.run_leases ORDER BY owner, run_id");
        var leases = new List<RunLease>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            leases.Add(new RunLease(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return leases;
    }

    private static async Task<IReadOnlyDictionary<string, long>> ReadLeasesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var leases = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) leases[reader.GetString(0)] = reader.GetInt64(1);
        return leases;
    }
}
