using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Snapshot;

/// <summary>The snapshot store contract, as Akka's SnapshotStoreSpec: every <see cref="ISnapshotStore"/> passes it.</summary>
public abstract class SnapshotStoreSpec : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    protected ISnapshotStore Store { get; private set; } = null!;

    protected abstract Task<ISnapshotStore> OpenAsync();

    public async Task InitializeAsync() => Store = await OpenAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static SnapshotRecord Snapshot(string pid, long seq, int minute, int total = 0) =>
        new(new SnapshotMetadata(pid, seq, T0.AddMinutes(minute)), TestSerializer.SnapshotManifest, $"{{\"total\":{total},\"count\":{seq}}}");

    /// <summary>Saves snapshots at 10, 20, 30 taken at minutes 1, 2, 3.</summary>
    private async Task<string> ThreeSnapshotsAsync()
    {
        var pid = TestSerializer.NewPersistenceId("snap");
        for (var i = 1; i <= 3; i++) await Store.SaveAsync(Snapshot(pid, i * 10, i, total: i * 100));
        return pid;
    }

    [Fact]
    public async Task Load_of_an_id_without_snapshots_is_null()
    {
        (await Store.LoadAsync(TestSerializer.NewPersistenceId("none"), SnapshotSelectionCriteria.Latest)).Should().BeNull();
    }

    [Fact]
    public async Task Load_latest_returns_the_newest_snapshot_as_saved()
    {
        var pid = await ThreeSnapshotsAsync();

        var loaded = await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest);

        loaded.Should().NotBeNull();
        loaded!.Metadata.Should().Be(new SnapshotMetadata(pid, 30, T0.AddMinutes(3)));
        loaded.Manifest.Should().Be(TestSerializer.SnapshotManifest);
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(loaded.Payload),
            System.Text.Json.Nodes.JsonNode.Parse("{\"total\":300,\"count\":30}")).Should().BeTrue(loaded.Payload);
    }

    [Fact]
    public async Task Load_honours_the_sequence_nr_and_timestamp_bounds()
    {
        var pid = await ThreeSnapshotsAsync();

        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(25)))!.Metadata.SequenceNr.Should().Be(20);
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(9))).Should().BeNull();
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest with { MaxTimestamp = T0.AddMinutes(1) }))!.Metadata.SequenceNr.Should().Be(10);
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest.WithMinSequenceNr(31))).Should().BeNull();
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(25).WithMinTimestamp(T0.AddMinutes(2))))!.Metadata.SequenceNr.Should().Be(20);
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.None)).Should().BeNull();
    }

    [Fact]
    public async Task Saving_again_at_the_same_sequence_nr_replaces_the_snapshot()
    {
        var pid = TestSerializer.NewPersistenceId("snap");
        await Store.SaveAsync(Snapshot(pid, 5, 1, total: 1));
        await Store.SaveAsync(Snapshot(pid, 5, 2, total: 2));

        var loaded = await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest);

        loaded!.Metadata.Timestamp.Should().Be(T0.AddMinutes(2));
        loaded.Payload.Should().Contain("2");
    }

    [Fact]
    public async Task Delete_one_removes_only_that_snapshot()
    {
        var pid = await ThreeSnapshotsAsync();

        await Store.DeleteAsync(new SnapshotMetadata(pid, 30, DateTimeOffset.MinValue));

        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr.Should().Be(20);
    }

    [Fact]
    public async Task Delete_by_criteria_removes_the_matching_snapshots()
    {
        var pid = await ThreeSnapshotsAsync();
        var other = await ThreeSnapshotsAsync();

        await Store.DeleteAsync(pid, SnapshotSelectionCriteria.UpTo(20));

        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(20))).Should().BeNull();
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr.Should().Be(30);
        (await Store.LoadAsync(other, SnapshotSelectionCriteria.UpTo(20)))!.Metadata.SequenceNr.Should().Be(20);

        await Store.DeleteAsync(pid, SnapshotSelectionCriteria.Latest);
        (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Should().BeNull();
    }
}
