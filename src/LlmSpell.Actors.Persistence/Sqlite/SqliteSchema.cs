using Microsoft.Data.Sqlite;

namespace LlmSpell.Actors.Persistence.Sqlite;

/// <summary>The tables, created or migrated on open; <c>schema_version</c> records what was applied.</summary>
internal static class SqliteSchema
{
    // Append only: a released migration never changes.
    private static readonly string[] Migrations =
    [
        // 1: journal keyed by (persistence_id, sequence_nr) — a second writer of the same id hits the key;
        //    ordering is a global insertion order; journal_metadata keeps the highest number after deletions.
        """
        CREATE TABLE journal (
            persistence_id TEXT NOT NULL,
            sequence_nr    INTEGER NOT NULL,
            ordering       INTEGER NOT NULL,
            created        INTEGER NOT NULL,
            manifest       TEXT NOT NULL,
            payload        TEXT NOT NULL,
            tags           TEXT,
            PRIMARY KEY (persistence_id, sequence_nr)
        );
        CREATE UNIQUE INDEX journal_ordering ON journal (ordering);
        CREATE TABLE journal_metadata (
            persistence_id TEXT NOT NULL PRIMARY KEY,
            deleted_to     INTEGER NOT NULL
        );
        CREATE TABLE counters (
            name  TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT INTO counters (name, value) VALUES ('journal_ordering', 0);
        CREATE TABLE snapshots (
            persistence_id TEXT NOT NULL,
            sequence_nr    INTEGER NOT NULL,
            created        INTEGER NOT NULL,
            manifest       TEXT NOT NULL,
            payload        TEXT NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr)
        );
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Applies the missing migrations in one immediate transaction (safe against a concurrent opener).</summary>
    public static void Migrate(SqliteConnection connection, string path)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied INTEGER NOT NULL)");
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (current > LatestVersion)
                throw new PersistenceStoreException(
                    $"The database {path} has schema version {current}, newer than this build knows ({LatestVersion}). " +
                    "Upgrade LlmSpell, or point DataDirectory at another database.");
            for (var version = current + 1; version <= LatestVersion; version++)
            {
                Execute(connection, Migrations[version - 1]);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_version (version, applied) VALUES ($v, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }
            Execute(connection, "COMMIT");
        }
        catch
        {
            Execute(connection, "ROLLBACK");
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
