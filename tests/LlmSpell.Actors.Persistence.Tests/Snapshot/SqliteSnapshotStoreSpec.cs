using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Snapshot;

public sealed class SqliteSnapshotStoreSpec(SqliteFixture fixture) : SnapshotStoreSpec, IClassFixture<SqliteFixture>
{
    protected override Task<ISnapshotStore> OpenAsync() => Task.FromResult(fixture.Store.SnapshotStore);
}
