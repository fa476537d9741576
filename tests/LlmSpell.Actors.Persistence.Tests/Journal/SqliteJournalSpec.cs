using LlmSpell.Actors.Persistence.Tests.Support;

namespace LlmSpell.Actors.Persistence.Tests.Journal;

public sealed class SqliteJournalSpec(SqliteFixture fixture) : JournalSpec, IClassFixture<SqliteFixture>
{
    protected override Task<(IJournal Journal, ISnapshotStore Snapshots)> OpenAsync() =>
        Task.FromResult((fixture.Store.Journal, fixture.Store.SnapshotStore));
}
