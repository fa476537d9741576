using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Journal;

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalSpec(PostgresFixture fixture) : JournalSpec
{
    protected override async Task<(IJournal Journal, ISnapshotStore Snapshots)> OpenAsync()
    {
        var store = await fixture.StoreAsync(nameof(PostgresJournalSpec));
        return (store.Journal, store.SnapshotStore);
    }
}
