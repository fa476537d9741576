using LlmSpell.Actors;
using LlmSpell.Actors.Cluster;
using LlmSpell.Actors.Cluster.Messaging;
using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Sqlite;
using LlmSpell.Workflows.Durability;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Tools.BuiltIn.Files;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace LlmSpell.Cli.Runtime;

/// <summary>The options every command shares.</summary>
public sealed record GlobalSettings(string? ConfigPath, string? DataDirectory, bool Verbose);

/// <summary>Where file tools work: file-read and file-list read below <see cref="Read"/>, file-write writes below <see cref="Write"/>.</summary>
public sealed record ToolRoots(string Read, string Write)
{
    public bool Shared => string.Equals(Read, Write, StringComparison.Ordinal);
}

/// <summary>
/// One command's runtime, built lazily so that cheap commands stay cheap: the config is read when first asked for;
/// logging, the LLM clients and the actor system exist only for commands that run something.
/// </summary>
public sealed class CliSession(GlobalSettings settings) : IAsyncDisposable
{
    private CliConfig? _config;
    private Serilog.Core.Logger? _serilog;
    private ILoggerFactory? _loggers;
    private ChatClientProvider? _llm;
    private ActorSystem? _system;
    private SqliteStore? _store;
    private PostgresStore? _postgresStore;
    private NpgsqlDataSource? _clusterSource;
    private ClusterClient? _cluster;
    private WorkflowEngine? _engine;
    private IAgentExecutor? _agents;

    public GlobalSettings Settings { get; } = settings;

    public CliConfig Config => _config ??= CliConfigLoader.Load(Settings.ConfigPath);

    public string DataDir => DataDirectory.Resolve(Settings.DataDirectory, Config);

    public ILoggerFactory Loggers
    {
        get
        {
            if (_loggers is not null) return _loggers;
            // Without --verbose nothing is logged: every failure reaches the user as the command's error or report,
            // and not loading the logging stack keeps short commands short.
            if (!Settings.Verbose) return _loggers = NullLoggerFactory.Instance;
            // Logs go to stderr so stdout keeps only the command's result.
            _serilog = new LoggerConfiguration()
                .MinimumLevel.Is(LogEventLevel.Debug)
                .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "[{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
                .CreateLogger();
            return _loggers = new SerilogLoggerFactory(_serilog);
        }
    }

    /// <summary>The LLM clients; <c>local/…</c> models run in-process (LlmSpell.Llm.Local).</summary>
    public ChatClientProvider Llm => _llm ??= new ChatClientProvider(
        Config.Llm.WithLocalModels(Config.Llm.LocalModels ?? new LlmSpell.Llm.Local.Provider.LocalModelProvider()), Loggers);

    /// <summary>
    /// Where file tools work. <paramref name="workspaceOption"/> (or the config's tools.workspace) is one directory for
    /// reading and writing; without one, files are read below <paramref name="readRoot"/> (the workflow file's
    /// directory, or the current one) and written below the data directory's workspace, so runs never write into
    /// the source tree.
    /// </summary>
    public ToolRoots ResolveToolRoots(string? workspaceOption, string readRoot)
    {
        var shared = workspaceOption is not null ? Path.GetFullPath(workspaceOption) : Config.Tools.WorkspaceDirectory;
        var roots = shared is not null ? new ToolRoots(shared, shared) : new ToolRoots(Path.GetFullPath(readRoot), DataDirectory.Workspace(DataDir));
        try
        {
            Directory.CreateDirectory(roots.Write);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot create the workspace directory {roots.Write}: {ex.Message.TrimEnd('.')}; choose another with --workspace or --data-dir");
        }
        if (!Directory.Exists(roots.Read)) throw new CliException($"the workspace directory {roots.Read} does not exist; create it or choose another with --workspace");
        return roots;
    }

    /// <summary>The built-in tools, with file tools confined to <paramref name="roots"/>.</summary>
    public ToolRegistry CreateTools(ToolRoots roots)
    {
        var read = Config.Tools.WithWorkspaceDirectory(roots.Read);
        var registry = new ToolRegistry();
        foreach (var tool in BuiltInTools.Create(read))
            registry.AddTool(tool is FileWriteTool ? new FileWriteTool(Config.Tools.WithWorkspaceDirectory(roots.Write)) : tool);
        return registry;
    }

    /// <summary>The built-in tools for listing and describing (nothing is created on disk).</summary>
    public ToolRegistry CreateToolsForListing() => new(BuiltInTools.Create(ToolsOptions.Default));

    /// <summary>The agent calls of workflow steps and of Lua's <c>Agent.create</c>: the configured agents, models and prices.</summary>
    public IAgentExecutor Agents => _agents ??= new ChatAgentExecutor(Llm, Config.DefaultModel, Config.Agents, Config.Llm.Prices);

    public bool IsAgentConfigured(string id) => Config.Agents.Any(a => a.Id == id);

    /// <summary>The journal of durable runs: <c>&lt;data-dir&gt;/llmspell.db</c>.</summary>
    public string DatabasePath => Path.Combine(DataDir, "llmspell.db");

    /// <summary>The cluster's PostgreSQL connection string when the command works on the cluster; null: the local SQLite journal.</summary>
    public string? Postgres { get; private set; }

    /// <summary>Makes this command work on the cluster at <paramref name="option"/> (<c>--postgres</c>), else the config's <c>postgres</c>, if any.</summary>
    public void UsePostgres(string? option)
    {
        if (_system is not null) throw new InvalidOperationException("Choose the journal before the engine is created.");
        Postgres = string.IsNullOrWhiteSpace(option) ? Config.Postgres : option;
    }

    /// <summary>Where the runs are journaled, for messages: the SQLite file, or the cluster's server and schema (never its password).</summary>
    public string JournalDescription
    {
        get
        {
            if (Postgres is null) return DatabasePath;
            var builder = new NpgsqlConnectionStringBuilder(Postgres);
            return $"the cluster journal at {builder.Host}:{builder.Port}/{builder.Database} (schema {ClusterSchema.SchemaOf(Postgres)})";
        }
    }

    /// <summary>
    /// A durable workflow engine on this session's actor system (created on first use), with the configured agents and
    /// <paramref name="tools"/>: every run is journaled to <see cref="DatabasePath"/>. Unfinished runs are not resumed
    /// on start; resuming is explicit (<c>llmspell workflow resume</c>).
    /// </summary>
    public async Task<WorkflowEngine> CreateEngineAsync(IToolRegistry tools, ToolRoots roots, CancellationToken cancellationToken = default)
    {
        if (_system is not null) throw new InvalidOperationException("A session runs one engine.");
        var journal = Postgres is null
            ? await OpenSqliteJournalAsync(cancellationToken).ConfigureAwait(false)
            : await OpenPostgresJournalAsync(Postgres, cancellationToken).ConfigureAwait(false);
        _system = ActorSystem.Create("llmspell", ActorSystemSettings.Default.WithLoggerFactory(Loggers));
        var services = new WorkflowServices
        {
            Agents = Agents,
            Tools = tools,
            // A tool step that names no tool: the default model chooses one from the step's description.
            // Created on first use: tool-only runs never touch the model (a missing local model must not fail them).
            ToolResolver = new ToolResolver(tools, new LazyChatClient(() => Llm.GetClient(ModelSpec.Parse(Config.DefaultModel)))),
            WorkspaceDirectory = roots.Write,
            LoggerFactory = Loggers,
        };
        var options = WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions(journal).WithResumeOnStart(false));
        return _engine = new WorkflowEngine(_system, services, options);
    }

    private async Task<IJournal> OpenSqliteJournalAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(DataDir);
            _store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(DataDir), cancellationToken).ConfigureAwait(false);
            return _store.Journal;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PersistenceException or System.Data.Common.DbException)
        {
            throw new CliException($"cannot open the run journal {DatabasePath}: {ex.Message.TrimEnd('.')}; choose another data directory with --data-dir", ExitCodes.Failed, ex);
        }
    }

    private async Task<IJournal> OpenPostgresJournalAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            _postgresStore = await PostgresStore.OpenAsync(new PostgresOptions(connectionString).WithSchema(ClusterSchema.SchemaOf(connectionString)), cancellationToken)
                .ConfigureAwait(false);
            return _postgresStore.Journal;
        }
        catch (Exception ex) when (ex is ArgumentException or PersistenceException or NpgsqlException)
        {
            throw new CliException($"cannot open the cluster journal: {ex.Message.TrimEnd('.')}; check --postgres (or the config's postgres)", ExitCodes.Failed, ex);
        }
    }

    /// <summary>
    /// A client of the cluster (created on first use, after the engine): it reaches runs on the nodes that own them.
    /// Requires <see cref="Postgres"/>.
    /// </summary>
    public async Task<ClusterClient> ClusterClientAsync(CancellationToken cancellationToken = default)
    {
        if (_cluster is not null) return _cluster;
        if (Postgres is null || _postgresStore is null) throw new InvalidOperationException("The cluster client needs --postgres and the engine opened first.");
        try
        {
            _clusterSource = NpgsqlDataSource.Create(Postgres);
            var schema = ClusterSchema.SchemaOf(Postgres);
            await ClusterSchema.MigrateAsync(_clusterSource, schema, cancellationToken).ConfigureAwait(false);
            return _cluster = await ClusterClient.StartAsync(_clusterSource, schema, _postgresStore.Journal, logger: Loggers.CreateLogger<ClusterClient>(),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw new CliException($"cannot reach the cluster at {JournalDescription}: {ex.Message.TrimEnd('.')}", ExitCodes.Failed, ex);
        }
    }

    /// <summary>An engine for run operations (list, show, history, cancel, purge, export): nothing runs on it.</summary>
    public Task<WorkflowEngine> CreateOperationsEngineAsync(CancellationToken cancellationToken = default) =>
        CreateEngineAsync(CreateToolsForListing(), new ToolRoots(Directory.GetCurrentDirectory(), DataDirectory.Workspace(DataDir)), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_system is not null) await _system.Terminate().ConfigureAwait(false);
        // Runs stopped with the actor system stay unfinished in the journal; their last writes land before it closes.
        if (_engine is not null) await _engine.FlushJournalsAsync().ConfigureAwait(false);
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
        if (_clusterSource is not null) await _clusterSource.DisposeAsync().ConfigureAwait(false);
        if (_postgresStore is not null) await _postgresStore.DisposeAsync().ConfigureAwait(false);
        _llm?.Dispose();
        if (_serilog is not null) _loggers?.Dispose();
        if (_serilog is not null) await _serilog.DisposeAsync().ConfigureAwait(false);
    }
}
