using Npgsql;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>The tables, created or migrated on open under an advisory lock; <c>schema_version</c> records what was applied.</summary>
internal static class PostgresSchema
{
    // Append only: a released migration never changes. {0} is the schema.
    private static readonly string[] Migrations =
    [
        // 1: the UNIQUE (persistence_id, sequence_nr) makes a second writer of an id fail instead of corrupting it;
        //    journal_metadata lists the ids and keeps the highest number after deletions.
        """
        CREATE TABLE {0}.journal (
            ordering       bigserial PRIMARY KEY,
            persistence_id text NOT NULL,
            sequence_nr    bigint NOT NULL,
            created        timestamptz NOT NULL,
            manifest       text NOT NULL,
            payload        jsonb NOT NULL,
            tags           text[] NOT NULL DEFAULT '{{}}',
            CONSTRAINT journal_persistence_id_sequence_nr_key UNIQUE (persistence_id, sequence_nr)
        );
        CREATE TABLE {0}.journal_metadata (
            persistence_id text PRIMARY KEY,
            deleted_to     bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE {0}.snapshots (
            persistence_id text NOT NULL,
            sequence_nr    bigint NOT NULL,
            created        timestamptz NOT NULL,
            manifest       text NOT NULL,
            payload        jsonb NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr)
        );
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Serializes concurrent openers (several processes or nodes starting at once).
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('llmspell-schema:{schema}'))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        await using (var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_version", connection, transaction))
        {
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current > LatestVersion)
                throw new PersistenceStoreException(
                    $"The PostgreSQL schema '{schema}' has version {current}, newer than this build knows ({LatestVersion}). Upgrade LlmSpell, or use another schema.");
            for (var version = current + 1; version <= LatestVersion; version++)
            {
                await ExecuteAsync(connection, transaction, string.Format(System.Globalization.CultureInfo.InvariantCulture, Migrations[version - 1], schema), cancellationToken)
                    .ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.schema_version (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
