using Akka;
using Akka.Actor;
using LlmSpell.Actors.Cluster;
using LlmSpell.Actors.Persistence;

using LlmSpell.Actors.Persistence.Postgres;
using LlmSpell.Actors.Persistence.Sqlite;
using LlmSpell.Llm;
using LlmSpell.Templates;
using LlmSpell.Tools;
using LlmSpell.Tools.BuiltIn;
using LlmSpell.Workflows.Agents;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Hosting;

/// <summary>The running parts: actor system, journal store and engine; started and stopped by the hosted service.</summary>
public sealed class LlmSpellRuntime : IAsyncDisposable
{
    private readonly LlmSpellBuilder _builder;
    private readonly IServiceProvider _provider;
    private readonly ILoggerFactory _loggers;
    private ActorSystem? _system;
    private IAsyncDisposable? _store;
    private WorkflowEngine? _engine;
    private ToolRegistry? _tools;
    private ChatClientProvider? _llm;
    private ClusterNode? _node;

    internal LlmSpellRuntime(LlmSpellBuilder builder, LlmSpellOptions options, IServiceProvider provider, ILoggerFactory loggers)
    {
        _builder = builder;
        _provider = provider;
        _loggers = loggers;
        Options = options;
        if (options.DataDirectory == DataHome.Legacy() && DataHome.Resolve().Note is { } note)
            loggers.CreateLogger<LlmSpellRuntime>().LogWarning("{Note}", note);
        Templates = TemplateRegistry.CreateDefault();
        foreach (var setup in builder.TemplateSetups) setup(Templates);
    }

    public LlmSpellOptions Options { get; }
    public TemplateRegistry Templates { get; }

    public ActorSystem System => _system ?? throw NotStarted();
    public WorkflowEngine Engine => _engine ?? throw NotStarted();

    /// <summary>The engine API: the engine itself, or on a cluster node the node's (runs start under a lease).</summary>
    public IWorkflowEngine Workflows => _node?.Workflows ?? Engine;

    /// <summary>This host's cluster node when <c>Cluster:Enabled</c>; else there is none.</summary>
    public ClusterNode Node => _node ?? throw (_engine is null ? NotStarted() : new InvalidOperationException("This host is not a cluster node: set LlmSpell:Cluster:Enabled (or WithCluster) to join one."));
    public ChatClientProvider Llm => _llm ??= new ChatClientProvider(Options.Llm.DataDirectory is null ? Options.Llm.WithDataDirectory(Options.DataDirectory) : Options.Llm, _loggers);

    public IToolRegistry Tools
    {
        get
        {
            if (_tools is not null) return _tools;
            var tools = new ToolRegistry();
            if (Options.BuiltInTools)
                foreach (var tool in BuiltInTools.Create(Options.Tools.WithWorkspaceDirectory(Options.ResolvedWorkspace))) tools.AddTool(tool);
            foreach (var tool in _provider.GetServices<ITool>()) tools.AddTool(tool);
            foreach (var setup in _builder.ToolSetups) setup(tools, _provider);
            return _tools = tools;
        }
    }

    public bool IsStarted => _engine is not null;

    private static InvalidOperationException NotStarted() =>
        new("LlmSpell has not started: the host starts it (LlmSpellHostedService); resolve engine services after the host started.");

    /// <summary>Opens the journal and starts the engine in <paramref name="system"/> (Akka.Hosting's); unfinished runs resume.</summary>
    public async Task StartAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        if (_engine is not null) return;
        _system = system;
        DurableRunOptions? durability = null;
        // A cluster node opens the shared journal itself, fenced by its leases.
        switch (Options.Cluster.Enabled ? JournalKind.None : Options.Journal)
        {
            case JournalKind.Sqlite:
                Directory.CreateDirectory(Options.DataDirectory);
                var sqlite = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(Options.DataDirectory).WithFileName(Options.DatabaseFile), cancellationToken).ConfigureAwait(false);
                _store = sqlite;
                durability = new DurableRunOptions(sqlite.Journal);
                break;
            case JournalKind.Postgres:
                var postgres = await PostgresStore.OpenAsync(new PostgresOptions(Options.PostgresConnectionString!), cancellationToken).ConfigureAwait(false);
                _store = postgres;
                durability = new DurableRunOptions(postgres.Journal);
                break;
        }
        Directory.CreateDirectory(Options.ResolvedWorkspace);
        // Before the engine: runs it resumes at once are traced and counted too.
        var listener = _system.ActorOf(Telemetry.WorkflowEventListener.Props(_loggers), "llmspell-telemetry");
        _system.EventStream.Subscribe(listener, typeof(Workflows.Events.WorkflowEvent));
        var services = new WorkflowServices
        {
            // An app (or a test) may run agent steps its own way by registering an IAgentExecutor.
            Agents = _provider.GetService<IAgentExecutor>() ?? new ChatAgentExecutor(Llm, Options.DefaultModel, Options.Agents, Options.Llm.Prices),
            Tools = Tools,
            WorkspaceDirectory = Options.ResolvedWorkspace,
            LoggerFactory = _loggers,
        };
        if (Options.Cluster.Enabled)
        {
            // The cluster decides what this node resumes (its own leases, lapsed ones), not ResumeOnStart.
            _node = await ClusterNode.StartAsync(Options.Cluster.ToClusterOptions(Options.PostgresConnectionString!), _system, services,
                _provider.GetServices<IClusterNodeService>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            _engine = _node.Engine;
        }
        else
        {
            var engineOptions = WorkflowEngineOptions.Default.WithDurability(durability?.WithResumeOnStart(Options.ResumeOnStart));
            _engine = new WorkflowEngine(_system, services, engineOptions);
        }
        // A node leaves first, while its actors still run: its runs go to the other nodes rather than waiting for its leases to lapse.
        if (_node is { } node)
            CoordinatedShutdown.Get(_system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "llmspell-cluster-leave", async () =>
            {
                await node.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
    }

    /// <summary>
    /// Runs coordinated shutdown (once, whoever asks first: this or Akka.Hosting's own service). Runs in flight stop with
    /// the actor system but stay unfinished in the journal; their last writes land before the journal closes, and the
    /// next start resumes them.
    /// </summary>
    public async Task StopAsync()
    {
        if (_system is not null)
        {
            await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            await _system.WhenTerminated.ConfigureAwait(false);
        }
        _node = null;
        if (_engine is not null) await _engine.FlushJournalsAsync().ConfigureAwait(false);
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
        _store = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _llm?.Dispose();
    }
}
