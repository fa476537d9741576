using System.Collections.Immutable;
using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Hosting;

/// <summary>Where durable runs are journaled.</summary>
public enum JournalKind
{
    /// <summary>No journal: runs live in memory only.</summary>
    None,
    /// <summary>An embedded SQLite file under the data directory (the default).</summary>
    Sqlite,
    /// <summary>A PostgreSQL database by connection string.</summary>
    Postgres,
}

/// <summary>Everything <c>AddLlmSpell</c> configures; defaults live here and only here.</summary>
public sealed record LlmSpellOptions
{
    public const string DefaultSystemName = "llmspell";
    public const string DefaultModelSpec = "ollama/llama3.2:3b";
    public const string DefaultDatabaseFile = "llmspell.db";

    public static readonly LlmSpellOptions Default = new();

    /// <summary>The actor system's name.</summary>
    public string SystemName { get; init; } = DefaultSystemName;

    /// <summary>
    /// The data directory (journal, tool workspace, local models); default the CLI's: <c>$LLMSPELL_DATA_DIR</c>, else the
    /// platform's data home (<c>~/.local/share/llmspell</c> on Linux), else the old <c>~/.llmspell</c> while only it exists.
    /// </summary>
    public string DataDirectory { get; init; } = DataHome.Resolve().Path;

    public JournalKind Journal { get; init; } = JournalKind.Sqlite;

    /// <summary>The SQLite file name under <see cref="DataDirectory"/>.</summary>
    public string DatabaseFile { get; init; } = DefaultDatabaseFile;

    /// <summary>The PostgreSQL connection string when <see cref="Journal"/> is <see cref="JournalKind.Postgres"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The PostgreSQL schema of the journal's tables; default: the connection string's Search Path, else <c>public</c>.</summary>
    public string? PostgresSchema { get; init; }

    /// <summary>Whether unfinished durable runs resume when the host starts (default true).</summary>
    public bool ResumeOnStart { get; init; } = true;

    /// <summary>The model of agent steps that name none.</summary>
    public string DefaultModel { get; init; } = DefaultModelSpec;

    public LlmProviderOptions Llm { get; init; } = LlmProviderOptions.Default;

    public ImmutableList<AgentProfile> Agents { get; init; } = [];

    /// <summary>Whether the built-in tools are registered (default true).</summary>
    public bool BuiltInTools { get; init; } = true;

    public ToolsOptions Tools { get; init; } = ToolsOptions.Default;

    /// <summary>The directory tools work in; default <c>&lt;data-dir&gt;/workspace</c>.</summary>
    public string? WorkspaceDirectory { get; init; }

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));

    public string ResolvedWorkspace => WorkspaceDirectory ?? Path.Combine(DataDirectory, "workspace");

    /// <summary>Where durable runs mark which process runs them (<c>&lt;data-dir&gt;/live</c>).</summary>
    public string LiveRunsDirectory => Path.GetFullPath(Path.Combine(DataDirectory, "live"));

    /// <summary>The journal's store (Akka.Persistence.Sql): the SQLite file <see cref="DatabasePath"/> or PostgreSQL; null without a journal.</summary>
    public RunStoreOptions? ToRunStoreOptions() => Journal switch
    {
        JournalKind.Sqlite => RunStoreOptions.Sqlite(DatabasePath),
        JournalKind.Postgres => RunStoreOptions.Postgres(PostgresConnectionString
            ?? throw new InvalidOperationException("The PostgreSQL journal needs a connection string (PostgresConnectionString)."), PostgresSchema),
        _ => null,
    };

    public LlmSpellOptions WithSystemName(string name) => this with { SystemName = name };
    public LlmSpellOptions WithDataDirectory(string dataDirectory) => this with { DataDirectory = dataDirectory };
    public LlmSpellOptions WithSqliteJournal(string? dataDirectory = null) =>
        this with { Journal = JournalKind.Sqlite, DataDirectory = dataDirectory ?? DataDirectory };
    public LlmSpellOptions WithPostgresJournal(string connectionString, string? schema = null) =>
        this with { Journal = JournalKind.Postgres, PostgresConnectionString = connectionString, PostgresSchema = schema ?? PostgresSchema };
    public LlmSpellOptions WithoutJournal() => this with { Journal = JournalKind.None };
    public LlmSpellOptions WithResumeOnStart(bool resume) => this with { ResumeOnStart = resume };
    public LlmSpellOptions WithDefaultModel(string model) => this with { DefaultModel = model };
    public LlmSpellOptions WithLlm(Func<LlmProviderOptions, LlmProviderOptions> change) => this with { Llm = change(Llm) };
    public LlmSpellOptions WithAgent(AgentProfile agent) => this with { Agents = Agents.RemoveAll(a => a.Id == agent.Id).Add(agent) };
    public LlmSpellOptions WithBuiltInTools(bool enabled) => this with { BuiltInTools = enabled };
    public LlmSpellOptions WithTools(ToolsOptions tools) => this with { Tools = tools };
    public LlmSpellOptions WithWorkspaceDirectory(string? directory) => this with { WorkspaceDirectory = directory };
}
