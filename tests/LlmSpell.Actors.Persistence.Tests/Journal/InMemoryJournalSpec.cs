namespace LlmSpell.Actors.Persistence.Tests.Journal;

public sealed class InMemoryJournalSpec : JournalSpec
{
    protected override Task<(IJournal Journal, ISnapshotStore Snapshots)> OpenAsync() =>
        Task.FromResult<(IJournal, ISnapshotStore)>((new InMemoryJournal(), new InMemorySnapshotStore()));
}
