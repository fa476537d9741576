using System.Collections.Concurrent;
using LlmSpell.Workflows.Durability;
using Npgsql;

namespace LlmSpell.Tests.Postgres;

/// <summary>The PostgreSQL specs share one server per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// The server of the PostgreSQL specs: <c>LLMSPELL_TEST_PG</c> when set, else a throwaway one started once per run.
/// If it cannot start, every PostgreSQL spec fails with the reason and what to do (they are not skipped).
/// Each spec class gets its own schema, dropped at the end.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string Variable = "LLMSPELL_TEST_PG";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, RunStoreOptions> _stores = new();
    private ThrowawayPostgres? _server;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            ConnectionString = given;
            return;
        }
        _server = await ThrowawayPostgres.StartAsync(fast: true);
        ConnectionString = _server.ConnectionString;
    }

    /// <summary>A journal in a schema of its own for <paramref name="key"/> (dropped at the end of the run).</summary>
    public RunStoreOptions Store(string key) => _stores.GetOrAdd(key, k => RunStoreOptions.Postgres(ConnectionString, SchemaFor(k)));

    public string SchemaFor(string key)
    {
        var schema = $"t{_run}_{new string(key.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())}";
        return schema.Length > 60 ? schema[..60] : schema;
    }

    public async Task DisposeAsync()
    {
        foreach (var key in _stores.Keys)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {SchemaFor(key)} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        if (_server is not null) await _server.DisposeAsync();
    }
}
