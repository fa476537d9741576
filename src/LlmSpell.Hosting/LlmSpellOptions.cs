using System.Collections.Immutable;
using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;

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

    /// <summary>Joining a cluster of nodes on the PostgreSQL journal; disabled by default.</summary>
    public LlmSpellClusterOptions Cluster { get; init; } = LlmSpellClusterOptions.Default;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));

    public string ResolvedWorkspace => WorkspaceDirectory ?? Path.Combine(DataDirectory, "workspace");

    public LlmSpellOptions WithSystemName(string name) => this with { SystemName = name };
    public LlmSpellOptions WithDataDirectory(string dataDirectory) => this with { DataDirectory = dataDirectory };
    public LlmSpellOptions WithSqliteJournal(string? dataDirectory = null) =>
        this with { Journal = JournalKind.Sqlite, DataDirectory = dataDirectory ?? DataDirectory };
    public LlmSpellOptions WithPostgresJournal(string connectionString) =>
        this with { Journal = JournalKind.Postgres, PostgresConnectionString = connectionString };
    public LlmSpellOptions WithoutJournal() => this with { Journal = JournalKind.None };
    public LlmSpellOptions WithResumeOnStart(bool resume) => this with { ResumeOnStart = resume };
    public LlmSpellOptions WithDefaultModel(string model) => this with { DefaultModel = model };
    public LlmSpellOptions WithLlm(Func<LlmProviderOptions, LlmProviderOptions> change) => this with { Llm = change(Llm) };
    public LlmSpellOptions WithAgent(AgentProfile agent) => this with { Agents = Agents.RemoveAll(a => a.Id == agent.Id).Add(agent) };
    public LlmSpellOptions WithBuiltInTools(bool enabled) => this with { BuiltInTools = enabled };
    public LlmSpellOptions WithTools(ToolsOptions tools) => this with { Tools = tools };
    public LlmSpellOptions WithWorkspaceDirectory(string? directory) => this with { WorkspaceDirectory = directory };

    /// <summary>Joins the cluster on <paramref name="connectionString"/> (the journal becomes that PostgreSQL).</summary>
    public LlmSpellOptions WithCluster(string connectionString, Func<LlmSpellClusterOptions, LlmSpellClusterOptions>? change = null) =>
        WithPostgresJournal(connectionString) with { Cluster = (change?.Invoke(Cluster) ?? Cluster) with { Enabled = true } };
}
