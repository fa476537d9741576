using Npgsql;

namespace LlmSpell.Actors.Persistence.Postgres;

/// <summary>
/// The journal and snapshot store on a PostgreSQL server (the shared store of several nodes). Writes are
/// group-committed: those queued while a statement runs go together into the next single INSERT (atomic by
/// itself); the server's unique key on (persistence_id, sequence_nr) turns a second writer's batch into a
/// <see cref="ConcurrentWriteException"/>.
/// <code>await using var store = await PostgresStore.OpenAsync(new PostgresOptions("Host=db;Username=llmspell;Database=llmspell"));</code>
/// </summary>
public sealed class PostgresStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresJournal _journal;

    private PostgresStore(PostgresOptions options, NpgsqlDataSource dataSource, string describe)
    {
        Options = options;
        _dataSource = dataSource;
        Describe = describe;
        Journal = _journal = new PostgresJournal(this);
        SnapshotStore = new PostgresSnapshotStore(this);
    }

    public PostgresOptions Options { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    internal string Schema => Options.Schema;

    internal string Describe { get; }

    /// <summary>Connects, then creates or migrates the schema.</summary>
    public static async Task<PostgresStore> OpenAsync(PostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.WithSchema(options.Schema);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
            {
                CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds)),
            };
            // Replay streams many small rows: a larger buffer means fewer reads (and fewer hops back to the actor).
            if (builder.ReadBufferSize < 64 * 1024) builder.ReadBufferSize = 64 * 1024;
        }
        catch (ArgumentException ex)
        {
            throw new PersistenceStoreException(
                $"The PostgreSQL connection string is not valid: {ex.Message}. Use the keyword form, e.g. 'Host=localhost;Port=5432;Username=llmspell;Database=llmspell'.", ex);
        }
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var where = $"{builder.Host}:{builder.Port}/{builder.Database}, schema {options.Schema}";
        try
        {
            await PostgresSchema.MigrateAsync(dataSource, options.Schema, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new PersistenceStoreException(
                $"Cannot open the PostgreSQL store at {where}: {ex.Message}. Check that the server runs, the connection string (host, port, user, password, database) and that the user may create tables in the schema.",
                ex);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgresStore(options, dataSource, $"PostgreSQL journal {where}");
    }

    /// <summary>Finishes the queued writes, then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _journal.StopAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
