using System.Collections.Concurrent;
using LlmSpell.Actors.Cluster.Tests.Support;
using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Tests.Support;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ClusterStoreSpec(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly ClusterDb _db = ClusterDb.For(postgres, nameof(ClusterStoreSpec));
    private readonly ConcurrentDictionary<string, long> _epochs = new();
    private ClusterStore _node = null!;
    private ClusterStore _client = null!;

    public async Task InitializeAsync()
    {
        var options = new ClusterOptions(postgres.ConnectionString).WithSchema(_db.Schema);
        _node = await ClusterStore.OpenAsync(options, "n1", id => _epochs.TryGetValue(id, out var e) ? e : null);
        _client = await ClusterStore.OpenAsync(options);
    }

    private static PersistentRepr Event(string runId, long sequenceNr) =>
        new("run-" + runId, sequenceNr, "test-event.v1", """{"n":1}""", DateTimeOffset.UtcNow);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _node.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_node_writes_a_run_only_while_it_holds_the_lease_at_its_epoch()
    {
        await ExecuteAsync($"INSERT INTO {_db.Schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ('r1', 'n1', 1, now() + interval '5 s')");
        _epochs["r1"] = 1;
        await _node.Journal.Journal.WriteAsync([Event("r1", 1)]);

        // Another node takes the run over: the epoch moves on, and n1's next write is refused whole.
        await ExecuteAsync($"UPDATE {_db.Schema}.run_leases SET owner = 'n2', epoch = 2 WHERE run_id = 'r1'");
        var write = () => _node.Journal.Journal.WriteAsync([Event("r1", 2), Event("r1", 3)]);

        var fenced = (await write.Should().ThrowAsync<FencedException>()).Which;
        fenced.Owner.Should().Be("n1");
        fenced.Epoch.Should().Be(1);
        fenced.Message.Should().Contain("no longer holds the lease 'r1'");
        (await _db.JournalAsync("r1")).Select(e => e.SequenceNr).Should().Equal(1);
    }

    [Fact]
    public async Task A_writer_without_the_lease_writes_a_run_only_while_nobody_owns_it()
    {
        // A client records a new run's start before any node owns it ...
        await _client.Journal.Journal.WriteAsync([Event("r2", 1)]);
        await ExecuteAsync($"INSERT INTO {_db.Schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ('r2', 'n1', 1, now() + interval '5 s')");

        // ... and once one does, neither the client nor a node holding no epoch for it can write into it.
        await _client.Invoking(c => c.Journal.Journal.WriteAsync([Event("r2", 2)])).Should().ThrowAsync<FencedException>();
        await _node.Invoking(c => c.Journal.Journal.WriteAsync([Event("r2", 2)])).Should().ThrowAsync<FencedException>();
        (await _db.JournalAsync("r2")).Should().ContainSingle();
    }

    [Fact]
    public async Task Writes_grouped_into_one_statement_are_fenced_each_on_its_own_run()
    {
        await ExecuteAsync($"INSERT INTO {_db.Schema}.run_leases (run_id, owner, epoch, expires_at) VALUES ('r3', 'n1', 1, now() + interval '5 s'), ('r4', 'n2', 7, now() + interval '5 s')");
        _epochs["r3"] = 1;
        _epochs["r4"] = 6;

        var writes = Enumerable.Range(1, 20).Select(i => _node.Journal.Journal.WriteAsync([Event(i % 2 == 0 ? "r3" : "r4", (i + 1) / 2)])).ToArray();
        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { })));

        writes.Where((_, i) => (i + 1) % 2 == 0).Should().OnlyContain(w => w.IsCompletedSuccessfully);
        writes.Where((_, i) => (i + 1) % 2 == 1).Should().OnlyContain(w => w.IsFaulted && w.Exception!.InnerException is FencedException);
        (await _db.JournalAsync("r3")).Should().HaveCount(10);
        (await _db.JournalAsync("r4")).Should().BeEmpty();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _client.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _db.DisposeAsync();
    }
}
