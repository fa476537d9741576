using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Tests.Execution;

namespace LlmSpell.Workflows.Tests.Durability;

/// <summary>
/// Base of durable-run specs: a SQLite journal in a temp directory per test, and actor systems the spec
/// starts and terminates itself (a "restart" is a new system and engine on the same file).
/// </summary>
public abstract class DurableSpec : IAsyncLifetime
{
    private readonly List<ActorSystem> _systems = [];
    private int _systemCount;

    protected string Directory { get; } = Path.Combine(Path.GetTempPath(), "llmspell-durable-" + Guid.NewGuid().ToString("N"));

    /// <summary>The test's journal: a SQLite file in its directory unless a spec chooses another.</summary>
    protected virtual RunStoreOptions Store => _sqlite ??= RunStoreOptions.Sqlite(Path.Combine(Directory, "llmspell.db"));

    private RunStoreOptions? _sqlite;

    protected static TimeSpan RunLimit => TimeSpan.FromSeconds(20);

    public virtual Task InitializeAsync() => Store.PrepareAsync();

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS: the temp directory is cleaned by it later.
        }
    }

    /// <summary>A new actor system on the test's journal: a "restart" is a new system and engine after the last one terminated.</summary>
    protected ActorSystem NewSystem()
    {
        var system = Store.CreateSystem($"durable-{++_systemCount}", ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));
        _systems.Add(system);
        return system;
    }

    /// <summary>Where engines of this test mark their live runs.</summary>
    protected string LiveRunsDirectory => Path.Combine(Directory, "live");

    protected WorkflowEngine DurableEngine(ActorSystem system, LlmSpell.Tools.IToolRegistry tools, bool resumeOnStart = false,
        string? runId = null, ScriptedAgents? agents = null)
    {
        var durable = new DurableRunOptions { LiveRunsDirectory = LiveRunsDirectory, ResumeOnStart = resumeOnStart };
        var options = WorkflowEngineOptions.Default.WithDurability(durable);
        if (runId is not null) options = options.WithRunIdGenerator(() => runId);
        return new WorkflowEngine(system, new WorkflowServices { Tools = tools, Agents = agents ?? new ScriptedAgents() }, options);
    }

    protected static Task<WorkflowResult> Finished(IWorkflowRun run) => run.Completion.WaitAsync(RunLimit);

    protected static StepDefinition Tool(string name, string? parameters = null) => new()
    {
        Name = name,
        Kind = StepKind.Tool,
        Tool = new ToolStepSpec { ToolName = name, Parameters = parameters is null ? new JsonObject() : JsonNode.Parse(parameters)!.AsObject() },
    };

    protected static StepDefinition Wait(string name, string signal) => new()
    {
        Name = name,
        Kind = StepKind.Wait,
        Wait = new WaitStepSpec { Signal = signal },
    };

    protected static WorkflowDefinition Sequential(string name, params StepDefinition[] steps) =>
        new() { Name = name, Type = WorkflowType.Sequential, Steps = steps };
}
