using LlmSpell.Actors.Persistence.Sqlite;

namespace LlmSpell.Actors.Persistence.Tests.Support;

/// <summary>A SQLite store in a temp directory of its own, for one spec class; deleted at the end.</summary>
public sealed class SqliteFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"llmspell-sqlite-{Guid.NewGuid():N}");

    public SqliteStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(Directory));

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
