using System.Globalization;
using Npgsql;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>
/// Applies numbered, append-only migrations to a PostgreSQL schema: in one transaction, under an advisory lock (so that
/// several processes or nodes starting at once apply each migration once), recording each applied version in a table
/// of its own. Shared by the journal's tables and by the tables of other layers kept beside them (the cluster's).
/// </summary>
public static class PostgresMigrator
{
    /// <summary>
    /// Applies the <paramref name="migrations"/> (SQL for version 1, 2, …, already written for <paramref name="schema"/>)
    /// that <paramref name="versionTable"/> does not list yet, then <paramref name="thenSql"/> (if any) in the same
    /// transaction. A schema newer than this build fails with <paramref name="tooNew"/>(found, known).
    /// </summary>
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string schema, string versionTable, string lockName,
        IReadOnlyList<string> migrations, Func<int, int, Exception> tooNew, string? thenSql = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(tooNew);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('{lockName}:{schema}'))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {schema}.{versionTable} (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        await using (var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.{versionTable}", connection, transaction))
        {
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (current > migrations.Count) throw tooNew(current, migrations.Count);
            for (var version = current + 1; version <= migrations.Count; version++)
            {
                await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.{versionTable} (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
            }
        }
        if (thenSql is not null) await ExecuteAsync(connection, transaction, thenSql, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
