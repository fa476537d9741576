using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Tests.Postgres;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// The journal a persistence benchmark runs against, through Akka.Persistence.Sql as the engine uses it
/// (<see cref="RunStoreOptions"/>): <c>--store sqlite</c> (a fresh <c>llmspell.db</c> in a temp directory, or in <c>--dir</c>;
/// WAL, the provider's default synchronous mode) or <c>--store postgres</c> (<c>--pg CONN</c>, or a throwaway server started as the
/// tests start one, fsync on; a schema of the bench's own, dropped on dispose).
/// </summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;
    private readonly List<ActorSystem> _systems = [];
    private int _systemCount;

    private BenchStore(string kind, RunStoreOptions options, string directory, Func<ValueTask> dispose)
    {
        Kind = kind;
        Options = options;
        Directory = directory;
        _dispose = dispose;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Kind { get; }

    public RunStoreOptions Options { get; }

    /// <summary>A directory of the bench's own: the SQLite file (as <c>llmspell.db</c>, where the CLI's <c>--data-dir</c> looks), live-run marks.</summary>
    public string Directory { get; }

    /// <summary><c>--hocon TEXT</c>: configuration over the store's for every actor system of the bench (e.g. to try journal settings).</summary>
    public string? Hocon { get; private set; }

    public static async Task<BenchStore> OpenAsync(BenchArgs args)
    {
        var store = args.String("store", "sqlite") switch
        {
            "sqlite" => await OpenSqliteAsync(args),
            "postgres" => await OpenPostgresAsync(args),
            var other => throw new FormatException($"--store must be sqlite or postgres, got '{other}'"),
        };
        store.Hocon = args.String("hocon", "") is { Length: > 0 } hocon ? hocon : null;
        return store;
    }

    /// <summary>A SQLite journal: <c>llmspell.db</c> in <c>--dir</c> (kept) or in a temp directory (deleted on dispose).</summary>
    public static async Task<BenchStore> OpenSqliteAsync(BenchArgs args)
    {
        var given = args.String("dir", "");
        var dir = given.Length > 0 ? Path.GetFullPath(given) : Path.Combine(Path.GetTempPath(), $"llmspell-bench-{Guid.NewGuid():N}");
        var options = RunStoreOptions.Sqlite(Path.Combine(dir, "llmspell.db"));
        await options.PrepareAsync();
        return new BenchStore("sqlite", options, dir, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (given.Length == 0) TryDelete(dir);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A PostgreSQL journal: <c>--pg CONN</c>, or a throwaway server started as the tests do (fsync on); a schema of its own.</summary>
    public static async Task<BenchStore> OpenPostgresAsync(BenchArgs args)
    {
        var connection = args.String("pg", "");
        ThrowawayPostgres? server = null;
        if (connection.Length == 0)
        {
            server = await ThrowawayPostgres.StartAsync(fast: false);
            connection = server.ConnectionString;
        }
        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        var options = RunStoreOptions.Postgres(connection, schema);
        await options.PrepareAsync();
        var dir = Path.Combine(Path.GetTempPath(), $"llmspell-bench-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        return new BenchStore("postgres", options, dir, async () =>
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using (var c = new Npgsql.NpgsqlConnection(connection))
            {
                await c.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", c);
                await drop.ExecuteNonQueryAsync();
            }
            if (server is not null) await server.DisposeAsync();
            TryDelete(dir);
        });
    }

    /// <summary>A new actor system on this journal (journal, snapshots, queries, our serializer); terminated on dispose.</summary>
    public ActorSystem NewSystem(string? extraHocon = null)
    {
        var config = ConfigurationFactory.ParseString(
            "akka.loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off\n" + (extraHocon ?? "") + "\n" + (Hocon ?? ""));
        var system = Options.CreateSystem($"bench-{++_systemCount}", config);
        _systems.Add(system);
        return system;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
        await _dispose();
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held: the temp directory is cleaned later.
        }
    }
}
