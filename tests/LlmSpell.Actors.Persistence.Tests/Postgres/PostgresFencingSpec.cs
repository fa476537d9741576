using System.Collections.Concurrent;
using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Tests.Support;
using Npgsql;

namespace LlmSpell.Actors.Persistence.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFencingSpec(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly string _schema = fixture.SchemaFor(nameof(PostgresFencingSpec));
    private readonly ConcurrentDictionary<string, PostgresFencingToken> _tokens = new();
    private PostgresStore _store = null!;

    public async Task InitializeAsync()
    {
        var fencing = new PostgresFencing($"{_schema}.leases", "key", pid => _tokens.TryGetValue(pid, out var token) ? token : null);
        _store = await PostgresStore.OpenAsync(new PostgresOptions(fixture.ConnectionString).WithSchema(_schema).WithFencing(fencing));
        await ExecuteAsync($"CREATE TABLE IF NOT EXISTS {_schema}.leases (key text PRIMARY KEY, owner text NOT NULL, epoch bigint NOT NULL)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static PersistentRepr Event(string pid, long sequenceNr) => new(pid, sequenceNr, "e.v1", """{"n":1}""", DateTimeOffset.UtcNow);

    private async Task<long> HighestAsync(string pid) => await _store.Journal.ReadHighestSequenceNrAsync(pid);

    [Fact]
    public async Task A_write_goes_in_while_its_token_holds_the_lease_and_is_refused_whole_once_the_epoch_moved_on()
    {
        await ExecuteAsync($"INSERT INTO {_schema}.leases VALUES ('a', 'w1', 1)");
        _tokens["p-a"] = new PostgresFencingToken("a", "w1", 1);
        await _store.Journal.WriteAsync([Event("p-a", 1)]);

        await ExecuteAsync($"UPDATE {_schema}.leases SET owner = 'w2', epoch = 2 WHERE key = 'a'");
        var refused = await _store.Journal.Invoking(j => j.WriteAsync([Event("p-a", 2), Event("p-a", 3)])).Should().ThrowAsync<FencedException>();

        refused.Which.Should().BeEquivalentTo(new { PersistenceId = "p-a", LeaseKey = "a", Owner = "w1", Epoch = 1L });
        (await HighestAsync("p-a")).Should().Be(1);
    }

    [Fact]
    public async Task A_write_arriving_during_a_takeover_waits_for_it_and_is_refused()
    {
        await ExecuteAsync($"INSERT INTO {_schema}.leases VALUES ('b', 'w1', 1)");
        _tokens["p-b"] = new PostgresFencingToken("b", "w1", 1);
        await using var takeover = new NpgsqlConnection(fixture.ConnectionString);
        await takeover.OpenAsync();
        await using var transaction = await takeover.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand($"UPDATE {_schema}.leases SET owner = 'w2', epoch = 2 WHERE key = 'b'", takeover, transaction))
            await update.ExecuteNonQueryAsync();
        string xid;
        await using (var current = new NpgsqlCommand("SELECT pg_current_xact_id()::text", takeover, transaction))
            xid = (string)(await current.ExecuteScalarAsync())!;

        var write = _store.Journal.WriteAsync([Event("p-b", 1)]);
        // The write reads the lease row FOR SHARE: it waits on the takeover's row lock ...
        await using (var probe = new NpgsqlConnection(fixture.ConnectionString))
        {
            await probe.OpenAsync();
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' AND transactionid::text = $1", probe);
            waiting.Parameters.AddWithValue(xid);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the write waits on the takeover's lock");
                await Task.Delay(10);
            }
        }
        await transaction.CommitAsync();

        // ... and sees the new epoch once it is committed.
        await write.Invoking(w => w).Should().ThrowAsync<FencedException>();
        (await HighestAsync("p-b")).Should().Be(0);
    }

    [Fact]
    public async Task A_token_without_an_owner_writes_only_while_nobody_holds_the_lease_and_ids_without_a_token_are_not_fenced()
    {
        _tokens["p-c"] = new PostgresFencingToken("c", null, 0);
        await _store.Journal.WriteAsync([Event("p-c", 1)]);
        await ExecuteAsync($"INSERT INTO {_schema}.leases VALUES ('c', 'w1', 1)");
        await _store.Journal.Invoking(j => j.WriteAsync([Event("p-c", 2)])).Should().ThrowAsync<FencedException>();

        await _store.Journal.WriteAsync([Event("p-free", 1)]);

        (await HighestAsync("p-c")).Should().Be(1);
        (await HighestAsync("p-free")).Should().Be(1);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }
}
