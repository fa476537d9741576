using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Actors.Persistence.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode holding the journal and the snapshots. Every write goes
/// through one writer connection whose loop commits whatever is queued as one transaction (group commit:
/// concurrent persists of many actors share an fsync); each queued write keeps its own all-or-nothing
/// outcome through a savepoint. Reads use pooled connections beside it.
/// <code>await using var store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(dir));</code>
/// </summary>
public sealed partial class SqliteStore : IAsyncDisposable
{
    private readonly SqliteConnection _writer;
    private readonly Channel<WriterOp> _queue = Channel.CreateUnbounded<WriterOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private readonly string _readConnectionString;
    private int _disposed;

    private SqliteStore(SqliteOptions options, SqliteConnection writer, string readConnectionString)
    {
        Options = options;
        _writer = writer;
        _readConnectionString = readConnectionString;
        Journal = new SqliteJournal(this);
        SnapshotStore = new SqliteSnapshotStore(this);
        _writerLoop = Task.Run(RunWriterAsync);
    }

    public SqliteOptions Options { get; }

    /// <summary>The journal in this file.</summary>
    public IJournal Journal { get; }

    /// <summary>The snapshot store in this file.</summary>
    public ISnapshotStore SnapshotStore { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath => Options.DatabasePath;

    /// <summary>Opens (creating when missing) the database file, sets WAL and durability, and migrates the schema.</summary>
    public static Task<SqliteStore> OpenAsync(SqliteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SqliteOptions.Default;
        var path = options.DatabasePath;
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceStoreException(
                $"Cannot create the data directory of {path}: {ex.Message}. Set SqliteOptions.DataDirectory to a writable directory.", ex);
        }
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database until a command's timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        var connectionString = builder.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            using (var wal = writer.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL";
                var mode = wal.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw new PersistenceStoreException(
                        $"SQLite could not switch {path} to WAL mode (it reports '{mode}'). Put the database on a local file system that supports shared memory.");
            }
            SqliteSchema.Execute(writer, $"PRAGMA synchronous={options.Synchronous.ToString().ToUpperInvariant()}");
            SqliteSchema.Execute(writer, $"PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}");
            SqliteSchema.Migrate(writer, path);
        }
        catch (SqliteException ex)
        {
            writer.Dispose();
            throw new PersistenceStoreException(
                $"Cannot open the SQLite database {path}: {ex.Message}. Check that the file is a LlmSpell database and that this process may write it.", ex);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return Task.FromResult(new SqliteStore(options, writer, connectionString));
    }

    /// <summary>A pooled connection for reading (WAL lets it read while the writer commits).</summary>
    internal SqliteConnection OpenReadConnection()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    internal string Describe => $"SQLite journal {DatabasePath}";

    /// <summary>Finishes the queued writes, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _context?.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        using var probe = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(probe);
    }
}
