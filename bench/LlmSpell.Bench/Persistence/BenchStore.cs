using Akka.Actor;
using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Sqlite;
using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Bench.Persistence;

/// <summary>
/// The store a persistence benchmark runs against: <c>--store sqlite</c> (a fresh file in a temp directory, or
/// <c>--dir</c>; fsync on every commit as by default) or <c>--store postgres</c> (<c>--pg CONN</c>, or a throwaway
/// server started as the tests do, with fsync on).
/// </summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private BenchStore(string kind, IJournal journal, ISnapshotStore snapshots, Func<ValueTask> dispose, string? connectionString = null, string? schema = null)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Schema = schema;
        Journal = journal;
        Snapshots = snapshots;
        _dispose = dispose;
    }

    public string Kind { get; }

    /// <summary>PostgreSQL only: the server and the bench's own schema (dropped on dispose).</summary>
    public string? ConnectionString { get; }
    public string? Schema { get; }
    public IJournal Journal { get; }
    public ISnapshotStore Snapshots { get; }

    public static JsonEventSerializer Serializer() => new JsonEventSerializer().Register<BenchEvent>("bench-event.v1");

    public static async Task<BenchStore> OpenAsync(BenchArgs args)
    {
        var kind = args.String("store", "sqlite");
        switch (kind)
        {
            case "sqlite":
            {
                var given = args.String("dir", "");
                var dir = given.Length > 0 ? given : Path.Combine(Path.GetTempPath(), $"llmspell-bench-{Guid.NewGuid():N}");
                var store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(dir).WithFileName($"bench-{Guid.NewGuid():N}.db"));
                return new BenchStore(kind, store.Journal, store.SnapshotStore, async () =>
                {
                    await store.DisposeAsync();
                    foreach (var f in Directory.GetFiles(dir, Path.GetFileName(store.DatabasePath) + "*")) File.Delete(f);
                    if (given.Length == 0) Directory.Delete(dir, recursive: true);
                });
            }
            case "postgres":
                return await OpenPostgresAsync(args);
            default:
                throw new FormatException($"--store must be sqlite or postgres, got '{kind}'");
        }
    }

    /// <summary>A PostgreSQL store: <c>--pg CONN</c>, or a throwaway server started as the tests do (fsync on); a schema of its own.</summary>
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
        var store = await PostgresStore.OpenAsync(new PostgresOptions(connection).WithSchema(schema));
        return new BenchStore("postgres", store.Journal, store.SnapshotStore, async () =>
        {
            await store.DisposeAsync();
            await using (var c = new Npgsql.NpgsqlConnection(connection))
            {
                await c.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", c);
                await drop.ExecuteNonQueryAsync();
            }
            if (server is not null) await server.DisposeAsync();
        }, connection, schema);
    }

    public ValueTask DisposeAsync() => _dispose();
}

/// <summary>A small event with a ~64-character note, about the size of a workflow step event without its output.</summary>
public sealed record BenchEvent(long Value, string Note)
{
    public const string DefaultNote = "step 'fetch' completed in 12 ms with 128 input and 64 output tokens";
}
