using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Snapshot;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSnapshotStoreSpec(PostgresFixture fixture) : SnapshotStoreSpec
{
    protected override async Task<ISnapshotStore> OpenAsync() => (await fixture.StoreAsync(nameof(PostgresSnapshotStoreSpec))).SnapshotStore;
}
