using Npgsql;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>The tables, created or migrated on open (<see cref="PostgresMigrator"/>); <c>schema_version</c> records what was applied.</summary>
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

    // The lock name and the version table are those of the first release: older and newer builds serialize on them.
    public static Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken) =>
        PostgresMigrator.ApplyAsync(dataSource, schema, "schema_version", "llmspell-schema",
            Migrations.Select(m => string.Format(System.Globalization.CultureInfo.InvariantCulture, m, schema)).ToArray(),
            (current, known) => new PersistenceStoreException(
                $"The PostgreSQL schema '{schema}' has version {current}, newer than this build knows ({known}). Upgrade LlmSpell, or use another schema."),
            cancellationToken: cancellationToken);
}
