using Akka.Actor;
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

/// <summary>The running parts: actor system, journal store and engine; started with the actor system, stopped by the hosted service.</summary>
public sealed class LlmSpellRuntime : IAsyncDisposable
{
    private readonly LlmSpellBuilder _builder;
    private readonly IServiceProvider _provider;
    private readonly ILoggerFactory _loggers;
    private ActorSystem? _system;
    private WorkflowEngine? _engine;
    private ToolRegistry? _tools;
    private ChatClientProvider? _llm;

    internal LlmSpellRuntime(LlmSpellBuilder builder, LlmSpellOptions options, IServiceProvider provider, ILoggerFactory loggers)
    {
        _builder = builder;
        _provider = provider;
        _loggers = loggers;
        Options = options;
        Store = options.ToRunStoreOptions();
        if (options.DataDirectory == DataHome.Legacy() && DataHome.Resolve().Note is { } note)
            loggers.CreateLogger<LlmSpellRuntime>().LogWarning("{Note}", note);
        Templates = TemplateRegistry.CreateDefault();
        foreach (var setup in builder.TemplateSetups) setup(Templates);
    }

    public LlmSpellOptions Options { get; }

    /// <summary>Where durable runs are journaled (Akka.Persistence.Sql); null for in-memory runs.</summary>
    public RunStoreOptions? Store { get; }

    public TemplateRegistry Templates { get; }

    public ActorSystem System => _system ?? throw NotStarted();
    public WorkflowEngine Engine => _engine ?? throw NotStarted();

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

    /// <summary>
    /// Prepares the journal's store and starts the engine in <paramref name="system"/> (Akka.Hosting's, configured with the
    /// store by <see cref="LlmSpellAkkaExtensions.WithLlmSpell"/>); unfinished runs resume. A store holding a journal of
    /// llmspell's earlier format fails the start with <see cref="EarlierJournalFormatException"/>, which says how to move it aside.
    /// </summary>
    public async Task StartAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        if (_engine is not null) return;
        _system = system;
        DurableRunOptions? durability = null;
        if (Store is not null)
        {
            // Before anything opens the journal: nothing is written to a store this version refuses.
            await Store.PrepareAsync(cancellationToken).ConfigureAwait(false);
            durability = new DurableRunOptions { LiveRunsDirectory = Options.LiveRunsDirectory, ResumeOnStart = Options.ResumeOnStart };
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
        _engine = new WorkflowEngine(_system, services, WorkflowEngineOptions.Default.WithDurability(durability));
    }

    /// <summary>
    /// Runs coordinated shutdown (once, whoever asks first: this or Akka.Hosting's own service). Runs in flight stop with
    /// the actor system but stay unfinished in the journal (Akka.Persistence has written every event it acknowledged), and
    /// the next start resumes them.
    /// </summary>
    public async Task StopAsync()
    {
        if (_system is null) return;
        await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        await _system.WhenTerminated.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _llm?.Dispose();
    }
}
