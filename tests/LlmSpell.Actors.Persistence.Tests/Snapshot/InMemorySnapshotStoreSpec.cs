namespace LlmSpell.Actors.Persistence.Tests.Snapshot;

public sealed class InMemorySnapshotStoreSpec : SnapshotStoreSpec
{
    protected override Task<ISnapshotStore> OpenAsync() => Task.FromResult<ISnapshotStore>(new InMemorySnapshotStore());
}
