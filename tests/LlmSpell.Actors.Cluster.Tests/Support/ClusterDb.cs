using System.Text.Json.Nodes;
using LlmSpell.Actors.Persistence.Tests.Support;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests.Support;

/// <summary>What the specs read of a cluster's schema: leases, nodes and the journal of runs, straight from PostgreSQL.</summary>
public sealed class ClusterDb(string connectionString, string schema) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(connectionString);

    public string Schema => schema;

    public static ClusterDb For(PostgresFixture postgres, string key) => new(postgres.ConnectionString, postgres.SchemaFor(key));

    /// <summary>One journaled event: sequence number, manifest (e.g. <c>step-completed.v1</c>) and payload.</summary>
    public sealed record Event(long SequenceNr, string Manifest, JsonNode Payload)
    {
        public string? Key => Payload["key"]?.GetValue<string>();
    }

    public async Task<IReadOnlyList<Event>> JournalAsync(string runId)
    {
        await using var command = _db.CreateCommand($"SELECT sequence_nr, manifest, payload::text FROM {schema}.journal WHERE persistence_id = $1 ORDER BY sequence_nr");
        command.Parameters.AddWithValue("run-" + runId);
        var events = new List<Event>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) events.Add(new Event(reader.GetInt64(0), reader.GetString(1), JsonNode.Parse(reader.GetString(2))!));
        return events;
    }

    /// <summary>Run id → (owner, epoch) of every lease.</summary>
    public async Task<IReadOnlyDictionary<string, (string Owner, long Epoch)>> LeasesAsync()
    {
        await using var command = _db.CreateCommand($"SELECT run_id, owner, epoch FROM {schema}.run_leases");
        var leases = new Dictionary<string, (string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) leases[reader.GetString(0)] = (reader.GetString(1), reader.GetInt64(2));
        return leases;
    }

    public async Task<string?> NodeStateAsync(string name)
    {
        await using var command = _db.CreateCommand($"SELECT state FROM {schema}.nodes WHERE name = $1");
        command.Parameters.AddWithValue(name);
        return await command.ExecuteScalarAsync() as string;
    }

    public static bool IsTerminal(Event e) => e.Manifest is "workflow-completed.v1" or "workflow-failed.v1" or "workflow-cancelled.v1" or "workflow-timed-out.v1";

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after a generous deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using (var drop = _db.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE")) await drop.ExecuteNonQueryAsync();
        await _db.DisposeAsync();
    }
}
