using LlmSpell.Actors.Persistence.Sqlite;
using LlmSpell.Actors.Persistence.Tests.Support;
using Microsoft.Data.Sqlite;

namespace LlmSpell.Actors.Persistence.Tests.Sqlite;

public sealed class SqliteStoreSpec : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"llmspell-sqlite-{Guid.NewGuid():N}");
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(_directory));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public void The_default_is_one_file_under_the_home_directory_with_fsync_on_every_commit()
    {
        var defaults = SqliteOptions.Default;
        defaults.DatabasePath.Should().Be(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".llmspell", "llmspell.db"));
        defaults.Synchronous.Should().Be(SqliteSynchronous.Full);
        defaults.BusyTimeout.Should().BePositive();
    }

    [Fact]
    public void The_file_is_created_in_WAL_mode_with_the_schema_version_recorded_and_a_key_on_id_and_sequence_nr()
    {
        File.Exists(Path.Combine(_directory, "llmspell.db")).Should().BeTrue();
        using var connection = Open();
        Scalar(connection, "PRAGMA journal_mode").Should().Be("wal");
        Scalar(connection, "SELECT MAX(version) FROM schema_version").Should().Be(1L);
        ((string)Scalar(connection, "SELECT sql FROM sqlite_master WHERE name = 'journal'")!).Should().Contain("PRIMARY KEY (persistence_id, sequence_nr)");
    }

    [Fact]
    public async Task Reopening_keeps_the_events_and_does_not_migrate_again()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _store.Journal.WriteAsync(TestSerializer.Events(pid, 1, 3));
        await _store.DisposeAsync();

        _store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(_directory));

        (await _store.Journal.ReadHighestSequenceNrAsync(pid)).Should().Be(3);
        using var connection = Open();
        Scalar(connection, "SELECT COUNT(*) FROM schema_version").Should().Be(1L);
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused_with_an_explanation()
    {
        await _store.DisposeAsync();
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO schema_version (version, applied) VALUES (99, 0)";
            command.ExecuteNonQuery();
        }

        var open = () => SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(_directory));

        (await open.Should().ThrowAsync<PersistenceStoreException>()).WithMessage("*schema version 99*newer*Upgrade*");
        _store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(_directory).WithFileName("other.db"));
    }

    [Fact]
    public async Task Concurrent_writes_are_committed_together_in_fewer_transactions()
    {
        var before = _store.TransactionCount;
        var writes = Enumerable.Range(0, 200)
            .Select(i => _store.Journal.WriteAsync(TestSerializer.Events(TestSerializer.NewPersistenceId($"g{i}"), 1, 1)))
            .ToList();

        await Task.WhenAll(writes);

        (_store.TransactionCount - before).Should().BeLessThan(200);
    }

    [Fact]
    public async Task A_payload_that_is_not_json_fails_deserialization_naming_the_id_and_sequence_nr()
    {
        var pid = TestSerializer.NewPersistenceId();
        await _store.Journal.WriteAsync(TestSerializer.Events(pid, 1, 2));
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE journal SET payload = 'garbage {' WHERE persistence_id = $pid AND sequence_nr = 2";
            command.Parameters.AddWithValue("$pid", pid);
            command.ExecuteNonQuery();
        }

        var events = new List<PersistentRepr>();
        await foreach (var e in _store.Journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue)) events.Add(e);
        var serializer = TestSerializer.Create();

        serializer.DeserializeEvent(events[0]).Should().Be(new Added(1));
        var error = FluentActions.Invoking(() => serializer.DeserializeEvent(events[1])).Should().Throw<EventDeserializationException>().Which;
        (error.PersistenceId, error.SequenceNr).Should().Be((pid, 2L));
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_created_is_reported_with_what_to_do()
    {
        var file = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(file, "x");

        var open = () => SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(Path.Combine(file, "sub")));

        (await open.Should().ThrowAsync<PersistenceStoreException>()).WithMessage("*DataDirectory*");
    }

    [Fact]
    public async Task Writes_after_dispose_fail_with_ObjectDisposedException()
    {
        await _store.DisposeAsync();
        await FluentActions.Awaiting(() => _store.Journal.WriteAsync(TestSerializer.Events("x", 1, 1))).Should().ThrowAsync<ObjectDisposedException>();
    }
}
