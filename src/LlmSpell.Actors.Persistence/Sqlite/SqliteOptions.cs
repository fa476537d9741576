namespace LlmSpell.Actors.Persistence.Sqlite;

/// <summary>SQLite's <c>synchronous</c> setting: how hard a commit waits for the disk.</summary>
public enum SqliteSynchronous
{
    /// <summary>No fsync: fast, but a power loss can lose or corrupt recent commits.</summary>
    Off,
    /// <summary>fsync at checkpoints only (in WAL mode a power loss can lose the last commits, not corrupt).</summary>
    Normal,
    /// <summary>fsync of the WAL on every commit: a completed write survives a power loss.</summary>
    Full,
}

/// <summary>Options of the embedded SQLite journal and snapshot store; every default lives here.</summary>
public sealed record SqliteOptions
{
    /// <summary>One file <c>~/.llmspell/llmspell.db</c>, WAL, fsync on every commit, 5 s busy timeout.</summary>
    public static SqliteOptions Default { get; } = new();

    /// <summary>The directory of the database file; created when missing. Default <c>~/.llmspell</c>.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".llmspell");

    public string FileName { get; init; } = "llmspell.db";

    /// <summary>How long a statement waits for a lock held by another connection or process before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>Group commit: at most this many events in one transaction (writes waiting beyond it go into the next).</summary>
    public int MaxEventsPerTransaction { get; init; } = 20_000;

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));

    public SqliteOptions WithDataDirectory(string dataDirectory) =>
        !string.IsNullOrWhiteSpace(dataDirectory) ? this with { DataDirectory = dataDirectory } : throw new ArgumentException("The data directory must not be empty.", nameof(dataDirectory));

    public SqliteOptions WithFileName(string fileName) =>
        !string.IsNullOrWhiteSpace(fileName) && fileName.IndexOfAny(['/', '\\']) < 0
            ? this with { FileName = fileName }
            : throw new ArgumentException($"The file name must be a plain file name, got '{fileName}'; put the directory in DataDirectory.", nameof(fileName));

    public SqliteOptions WithBusyTimeout(TimeSpan busyTimeout) =>
        busyTimeout >= TimeSpan.Zero ? this with { BusyTimeout = busyTimeout } : throw new ArgumentOutOfRangeException(nameof(busyTimeout), busyTimeout, "must not be negative");

    public SqliteOptions WithSynchronous(SqliteSynchronous synchronous) => this with { Synchronous = synchronous };

    public SqliteOptions WithMaxEventsPerTransaction(int maxEvents) =>
        maxEvents >= 1 ? this with { MaxEventsPerTransaction = maxEvents } : throw new ArgumentOutOfRangeException(nameof(maxEvents), maxEvents, "must be at least 1");
}
