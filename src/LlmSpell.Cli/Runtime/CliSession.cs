using Akka.Actor;
using LlmSpell.Workflows.Durability;
using LlmSpell.Cli.Commands;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Cluster;
using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Tools.BuiltIn.Files;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private RunStoreOptions? _store;
    private IAgentExecutor? _agents;

    public GlobalSettings Settings { get; } = settings;

    public CliConfig Config => _config ??= CliConfigLoader.Load(Settings.ConfigPath);

    private string? _dataDir;

    /// <summary>The data directory; when it is the old <c>~/.llmspell</c>, a note on stderr says so (once).</summary>
    public string DataDir
    {
        get
        {
            if (_dataDir is not null) return _dataDir;
            var choice = DataDirectory.Resolve(Settings.DataDirectory, Config);
            if (choice.Note is { } note) Console.Error.WriteLine($"note: {note}");
            return _dataDir = choice.Path;
        }
    }

    /// <summary>The config's LLM settings, with local models found in this session's data directory by default.</summary>
    public LlmProviderOptions LlmOptions => Config.Llm.WithDataDirectory(DataDir);

    /// <summary>The folder of local models; when it is the old <c>~/.llmspell/models</c>, a note on stderr says so.</summary>
    public string ModelsDir
    {
        get
        {
            var choice = LlmOptions.ResolveModels();
            if (choice.Note is { } note) Console.Error.WriteLine($"note: {note}");
            return choice.Path;
        }
    }

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
                .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
                .CreateLogger();
            return _loggers = new SerilogLoggerFactory(_serilog);
        }
    }

    /// <summary>The LLM clients; <c>local/…</c> models run in-process (LlmSpell.Llm.Local).</summary>
    public ChatClientProvider Llm => _llm ??= new ChatClientProvider(
        LlmOptions.WithLocalModels(Config.Llm.LocalModels ?? new LlmSpell.Llm.Local.Provider.LocalModelProvider()), Loggers);

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
    public IAgentExecutor Agents => _agents ??= new ChatAgentExecutor(Llm, Config.DefaultModel, Config.Agents, Config.Llm.Prices, Config.StallWarning);

    public bool IsAgentConfigured(string id) => Config.Agents.Any(a => a.Id == id);

    /// <summary>The journal of durable runs unless a PostgreSQL one is chosen: <c>&lt;data-dir&gt;/llmspell.db</c>.</summary>
    public string DatabasePath => Path.Combine(DataDir, "llmspell.db");

    /// <summary>Where this process marks the runs it runs, so that other processes on the data directory see them live.</summary>
    public string LiveRunsDirectory => Path.Combine(DataDir, "live");

    /// <summary>Where runs are journaled: the data directory's SQLite file unless <see cref="UsePostgres"/> chose PostgreSQL.</summary>
    public RunStoreOptions Store => _store ??= RunStoreOptions.Sqlite(DatabasePath);

    /// <summary>Journals this command's runs in PostgreSQL (null: the data directory's SQLite file); before the engine is created.</summary>
    public void UsePostgres(RunStoreOptions? postgres)
    {
        if (_system is not null) throw new InvalidOperationException("Choose the journal before the engine is created.");
        _store = postgres;
    }

    /// <summary>Where the runs are journaled, for messages: the SQLite file, or the server, database and schema (never a password).</summary>
    public string JournalDescription => ClusterContacts is { } contacts ? $"the journal of the cluster at {string.Join(", ", contacts)}" : Store.Description;

    /// <summary>The cluster nodes this session's engine works through (<c>--cluster</c>), or null.</summary>
    public IReadOnlyList<string>? ClusterContacts { get; private set; }

    /// <summary>
    /// A durable workflow engine on this session's actor system (created on first use), with the configured agents and
    /// <paramref name="tools"/>: every run is a persistent actor on <see cref="Store"/>. Unfinished runs are not resumed
    /// on start; resuming is explicit (<c>llmspell workflow resume</c>).
    /// </summary>
    public async Task<WorkflowEngine> CreateEngineAsync(IToolRegistry tools, ToolRoots roots, CancellationToken cancellationToken = default)
    {
        await PrepareStoreAsync(cancellationToken).ConfigureAwait(false);
        var durable = new DurableRunOptions { LiveRunsDirectory = LiveRunsDirectory, ResumeOnStart = false };
        return new WorkflowEngine(CreateSystem(), CreateServices(tools, roots), WorkflowEngineOptions.Default.WithDurability(durable));
    }

    /// <summary>
    /// A cluster node's engine: its actor system joins the cluster of <paramref name="node"/>, and its runs are sharded entities
    /// (remember-entities on <see cref="Store"/>), so that a run of a lost node continues on a surviving one. No live-run marks:
    /// sharding keeps one actor per run across the nodes.
    /// </summary>
    public async Task<WorkflowEngine> CreateNodeEngineAsync(ClusterNodeOptions node, IToolRegistry tools, ToolRoots roots, CancellationToken cancellationToken = default)
    {
        await PrepareStoreAsync(cancellationToken).ConfigureAwait(false);
        var system = CreateSystem(node.ToHocon(), node.ToSetups());
        var durable = new DurableRunOptions { ResumeOnStart = false };
        var engine = new WorkflowEngine(system, CreateServices(tools, roots),
            WorkflowEngineOptions.Default.WithDurability(durable).WithPlacement(new ShardedRuns()));
        ClusterNode.ServeClients(system, engine.Runs);
        ClusterNode.Join(system, node);
        return engine;
    }

    /// <summary>
    /// An engine whose runs run on the cluster of the nodes at <paramref name="cluster"/>'s contacts (ClusterClient, with the cluster's
    /// TLS if any): this process validates and follows them; the node that holds a run calls its agents and tools, in its own
    /// workspace. The nodes send a run's events to the target's public host (see <see cref="ClusterClientRuns.ClientConfig"/>), else
    /// to 127.0.0.1.
    /// </summary>
    internal WorkflowEngine CreateClientEngine(ClusterTarget cluster, IToolRegistry tools, ToolRoots roots)
    {
        if (_system is not null) throw new InvalidOperationException("A session runs one engine.");
        _ = Loggers; // sets up Serilog when --verbose
        _system = CliActorSystem.CreateClient(_serilog, cluster.PublicHost, cluster.Tls);
        var options = WorkflowEngineOptions.Default.WithPlacement(new ClusterClientRuns(cluster.Contacts, cluster.Tls)) with { ControlTimeout = ClusterClientRuns.AnswerTimeout };
        ClusterContacts = cluster.Contacts;
        return new WorkflowEngine(_system, CreateServices(tools, roots), options);
    }

    /// <summary>A client engine for commands that read, cancel or signal the cluster's runs (no run starts in this process's workspace).</summary>
    internal WorkflowEngine CreateClientOperationsEngine(ClusterTarget cluster) =>
        CreateClientEngine(cluster, CreateToolsForListing(), OperationsRoots);

    private async Task PrepareStoreAsync(CancellationToken cancellationToken)
    {
        if (_system is not null) throw new InvalidOperationException("A session runs one engine.");
        Store.StartQueryWarmUp();
        try
        {
            await Store.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EarlierJournalFormatException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException or ArgumentException or TimeoutException)
        {
            var hint = Store.DatabaseFile is null ? "check --postgres (or $LLMSPELL_POSTGRES, or the config's postgres)" : "choose another data directory with --data-dir";
            throw new CliException($"cannot open the run journal {JournalDescription}: {ex.Message.TrimEnd('.')}; {hint}", ExitCodes.Failed, ex);
        }
    }

    /// <summary>
    /// The session's actor system; <paramref name="node"/>: a cluster node's configuration (else local actors only), with the
    /// <paramref name="setups"/> configuration cannot carry (TLS).
    /// </summary>
    private ActorSystem CreateSystem(string? node = null, params Akka.Actor.Setup.Setup[] setups)
    {
        if (_system is not null) throw new InvalidOperationException("A session runs one engine.");
        _ = Loggers; // sets up Serilog when --verbose
        return _system = CliActorSystem.Create(ClusterNodeOptions.SystemName, _serilog, Store, node, setups);
    }

    /// <summary>The session's actor system, once an engine has been created.</summary>
    public ActorSystem ActorSystem => _system ?? throw new InvalidOperationException("No engine has been created in this session.");

    private WorkflowServices CreateServices(IToolRegistry tools, ToolRoots roots) => new()
    {
        Agents = Agents,
        Tools = tools,
        // A tool step that names no tool: the default model chooses one from the step's description.
        // Created on first use: tool-only runs never touch the model (a missing local model must not fail them).
        ToolResolver = new ToolResolver(tools, new LazyChatClient(() => Llm.GetClient(ModelSpec.Parse(Config.DefaultModel)))),
        WorkspaceDirectory = roots.Write,
        LoggerFactory = Loggers,
    };

    /// <summary>An engine for run operations (list, show, history, cancel, purge, export): nothing runs on it.</summary>
    public Task<WorkflowEngine> CreateOperationsEngineAsync(CancellationToken cancellationToken = default) =>
        CreateEngineAsync(CreateToolsForListing(), OperationsRoots, cancellationToken);

    // Commands that read, cancel or signal runs start none here: the default roots, for the tools' listing only.
    private ToolRoots OperationsRoots => new(Directory.GetCurrentDirectory(), DataDirectory.Workspace(DataDir));

    public async ValueTask DisposeAsync()
    {
        // Runs stopped with the actor system stay unfinished in the journal, resumable.
        if (_system is not null) await _system.Terminate().ConfigureAwait(false);
        _llm?.Dispose();
        if (_serilog is not null) _loggers?.Dispose();
        if (_serilog is not null) await _serilog.DisposeAsync().ConfigureAwait(false);
    }
}
