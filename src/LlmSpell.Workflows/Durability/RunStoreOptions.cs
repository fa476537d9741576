using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;
using Akka.Persistence.Sql.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Where durable runs are journaled: a SQLite file (embedded, nothing to start) or a PostgreSQL database, through
/// Akka.Persistence.Sql (journal, tags, snapshots and queries; tables created on first use) with our serializer bound.
/// </summary>
public sealed record RunStoreOptions
{
    private RunStoreOptions(string connectionString, string providerName)
    {
        ConnectionString = connectionString;
        ProviderName = providerName;
    }

    /// <summary>The journal in the SQLite file <paramref name="databaseFile"/> (created with its folder when missing).</summary>
    public static RunStoreOptions Sqlite(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var path = Path.GetFullPath(databaseFile);
        // Writers of several processes wait for each other's commits rather than fail at once (SQLITE_BUSY).
        var connection = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
        return new RunStoreOptions(connection, LinqToDB.ProviderName.SQLiteMS) { DatabaseFile = path };
    }

    /// <summary>The journal in PostgreSQL (<paramref name="connectionString"/> as Npgsql takes it), in <paramref name="schema"/> (default: the connection string's Search Path, else public).</summary>
    public static RunStoreOptions Postgres(string connectionString, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{Redacted(connectionString)}' is not an Npgsql connection string: {ex.Message}", nameof(connectionString), ex);
        }
        schema ??= builder.SearchPath?.Split(',')[0].Trim() is { Length: > 0 } path ? path : "public";
        if (schema.Length == 0 || schema.Length > 63 || !schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(schema[0]))
            throw new ArgumentException($"'{schema}' is not a schema name this journal uses: letters, digits and '_', not starting with a digit, at most 63 characters.", nameof(schema));
        return new RunStoreOptions(connectionString, LinqToDB.ProviderName.PostgreSQL15) { Schema = schema };
    }

    public string ConnectionString { get; }

    // Set by PrepareAsync when the journal's tables exist: Akka.Persistence.Sql's auto-initialization (CREATE TABLE IF NOT EXISTS
    // through linq2db) costs a fifth of a short command's CPU, so it runs only for a store that needs it.
    private bool _tablesExist;

    /// <summary>The linq2db provider name Akka.Persistence.Sql connects with.</summary>
    public string ProviderName { get; }

    /// <summary>The SQLite file; null for PostgreSQL.</summary>
    public string? DatabaseFile { get; private init; }

    /// <summary>The PostgreSQL schema; null for SQLite.</summary>
    public string? Schema { get; private init; }

    /// <summary>Where the journal is, for messages: the file, or server/database/schema (never a password).</summary>
    public string Description
    {
        get
        {
            if (DatabaseFile is not null) return DatabaseFile;
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database} (schema {Schema})";
        }
    }

    /// <summary>Where the actor system configured by <paramref name="config"/> journals, for messages (never a password).</summary>
    public static string Describe(Config config)
    {
        var connection = config.GetString("akka.persistence.journal.sql.connection-string", "");
        var provider = config.GetString("akka.persistence.journal.sql.provider-name", "");
        if (connection.Length == 0) return $"the journal '{config.GetString("akka.persistence.journal.plugin", "(none)")}'";
        try
        {
            return provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase)
                ? new SqliteConnectionStringBuilder(connection).DataSource
                : Postgres(connection, config.GetString("akka.persistence.journal.sql.default.schema-name", null)).Description;
        }
        catch (ArgumentException)
        {
            return $"the {provider} journal";
        }
    }

    // SQLite begins a transaction of any other level with BEGIN IMMEDIATE, which takes the write lock: every recovery and
    // query of every process would queue behind the writers (recoveries timed out with ten processes on one file). A
    // read-uncommitted transaction is a deferred BEGIN, which in WAL mode reads a consistent snapshot without any lock.
    private System.Data.IsolationLevel? ReadIsolation => DatabaseFile is null ? null : System.Data.IsolationLevel.ReadUncommitted;

    /// <summary>Akka.Persistence.Sql's journal options (the default journal and query plugin).</summary>
    public SqlJournalOptions JournalOptions() => new(isDefaultPlugin: true)
    {
        ConnectionString = ConnectionString,
        ProviderName = ProviderName,
        AutoInitialize = !_tablesExist,
        // Tags in a column of the journal row: listing runs by tag is one query per page instead of a join and a second
        // query per page through the tag table (6× faster for a list of hundreds of runs, measured).
        TagStorageMode = Akka.Persistence.Sql.Config.TagMode.Csv,
        ReadIsolationLevel = ReadIsolation,
        DatabaseOptions = Schema is null ? null : new JournalDatabaseOptions(DatabaseMapping.Default) { SchemaName = Schema },
        DataOptions = DataOptions(),
    };

    /// <summary>Akka.Persistence.Sql's snapshot store options (the default snapshot store).</summary>
    public SqlSnapshotOptions SnapshotOptions() => new(isDefaultPlugin: true)
    {
        ConnectionString = ConnectionString,
        ProviderName = ProviderName,
        AutoInitialize = !_tablesExist,
        ReadIsolationLevel = ReadIsolation,
        DatabaseOptions = Schema is null ? null : new SnapshotDatabaseOptions(DatabaseMapping.Default) { SchemaName = Schema },
        DataOptions = DataOptions(),
    };

    /// <summary>
    /// How linq2db connects (connection string and provider as in the configuration; SQLite's calls moved off the caller's thread):
    /// one instance for the journal, its queries and the snapshot store.
    /// </summary>
    public DataOptions DataOptions()
    {
        if (_dataOptions is not null) return _dataOptions;
        var options = new DataOptions().UseConnectionString(ProviderName, ConnectionString);
        return _dataOptions = DatabaseFile is null ? options : options.UseInterceptor(SqliteOffCallerThread.Instance);
    }

    private DataOptions? _dataOptions;

    /// <summary>Settings over Akka.Persistence.Sql's defaults, in HOCON (part of <see cref="ToConfig"/>; a host adds them to its own).</summary>
    public string Tuning => DatabaseFile is null ? QueryTuning : QueryTuning + SqliteWriterTuning;

    // Reading runs by tag waits for gaps in the journal's ordering to fill (a write still in flight) up to max-tries × query-delay:
    // 10 s by default. A purge leaves gaps that never fill, and a command that lists runs must not wait for them.
    // Each page of such a read first asks the journal's sequence actor for the highest ordering, 1 s by default: an answer
    // from memory, but a loaded machine (a thread pool busy with SQLite calls) can take longer, and the read would fail.
    private const string QueryTuning = """

        akka.persistence.query.journal.sql.journal-sequence-retrieval {
          query-delay = 50ms
          max-tries = 4
          ask-timeout = 10s
        }
        """;

    // SQLite has one writer at a time: parallel batch writes only wait for each other's lock, which Microsoft.Data.Sqlite retries by
    // sleeping (2 writers: 650 events/s from 100 runs at once; 1 writer: 10,000, the rest gathered into its batches).
    private const string SqliteWriterTuning = """

        akka.persistence.journal.sql.parallelism = 1
        """;

    /// <summary>The whole configuration of an actor system that journals runs here: journal, snapshots, queries and our serializer.</summary>
    private Config ToConfig()
    {
        var journal = JournalOptions();
        var snapshots = SnapshotOptions();
        return ConfigurationFactory.ParseString(WorkflowSerializer.Hocon + Tuning)
            .WithFallback(journal.ToConfig())
            .WithFallback(snapshots.ToConfig())
            .WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// An actor system journaling here: <paramref name="config"/> over <see cref="ToConfig"/>, with the store's linq2db options
    /// (which configuration cannot carry) for the journal, its queries and the snapshot store, and the caller's
    /// <paramref name="setups"/> (e.g. remoting's TLS).
    /// </summary>
    public ActorSystem CreateSystem(string name, Config? config = null, params Setup[] setups) =>
        ActorSystem.Create(name, ActorSystemSetup.Create(
            [BootstrapSetup.Create().WithConfig((config ?? Config.Empty).WithFallback(ToConfig())), new DataOptionsSetup(DataOptions()), .. setups]));

    /// <summary>
    /// Prepares the store before an actor system opens it: creates the SQLite file's folder (and turns on write-ahead logging, so
    /// that readers never block the writer) or the PostgreSQL schema; refuses a journal of llmspell's earlier format, naming it and
    /// how to move it aside, without changing anything in it.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        if (DatabaseFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version', 'counters')", cancellationToken) > 0)
                throw new EarlierJournalFormatException(
                    $"{file} holds a run journal of an earlier llmspell version, which this one does not read; move it aside (e.g. mv '{file}' '{file}.old') and this version starts a new journal there");
            await ScalarAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            _tablesExist = await ScalarAsync(connection, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({JournalTables})", cancellationToken) == 2;
            return;
        }
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var pg = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name IN ('schema_version', 'snapshots')", pg))
        {
            check.Parameters.AddWithValue("schema", Schema!);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) >= 1)
                throw new EarlierJournalFormatException(
                    $"{Description} holds a run journal of an earlier llmspell version, which this one does not read; give this version another schema (llmspell's --schema NAME, or LlmSpell:PostgresSchema in a host) or rename that one (ALTER SCHEMA {Schema} RENAME TO {Schema}_old)");
        }
        await using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"", pg);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var tables = new NpgsqlCommand($"SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name IN ({JournalTables})", pg);
        tables.Parameters.AddWithValue("schema", Schema!);
        _tablesExist = Convert.ToInt64(await tables.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) == 2;
    }

    /// <summary>
    /// Starts linq2db's query pipeline for this store's provider on a thread-pool thread, touching no database: in a cold process the
    /// first LINQ query linq2db translates costs ~170 ms of JIT and static set-up and any later one ~10 ms, so warmed while the
    /// caller creates its actor system (as long again on its own thread), the journal's first queries no longer wait for it.
    /// </summary>
    public void StartQueryWarmUp() => _ = Task.Run(() =>
    {
        try
        {
            // The SQL is only generated: no connection is opened (an in-memory SQLite one stands in for the file).
            using var db = new DataConnection(new DataOptions().UseConnectionString(ProviderName, DatabaseFile is null ? ConnectionString : "Data Source=:memory:"));
            var id = "warm-up";
            _ = db.GetTable<WarmUpRow>().Where(r => r.PersistenceId == id).Select(r => (long?)r.SequenceNumber).ToSqlQuery();
        }
        catch (Exception)
        {
            // Only a head start: whatever failed here fails again in the journal's own queries, which report it.
        }
    });

    [Table("warm_up")]
    private sealed class WarmUpRow
    {
        [Column("persistence_id")] public string PersistenceId { get; set; } = "";
        [Column("sequence_number")] public long SequenceNumber { get; set; }
    }

    /// <summary>The tables Akka.Persistence.Sql creates (default mapping, tags in the journal).</summary>
    private const string JournalTables = "'journal', 'snapshot'";

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long n ? n : 0;
    }

    private static string Redacted(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, @"(?i)(password|pwd)\s*=[^;]*", "$1=***");

    public override string ToString() => Description;
}

/// <summary>The store holds a journal of llmspell's earlier format; the message says how to move it aside.</summary>
public sealed class EarlierJournalFormatException(string message) : Exception(message);
