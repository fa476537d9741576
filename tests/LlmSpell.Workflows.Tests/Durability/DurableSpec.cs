using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Actors.Persistence;
using LlmSpell.Actors.Persistence.Sqlite;
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
    private readonly List<SqliteStore> _stores = [];
    private int _systemCount;

    protected string Directory { get; } = Path.Combine(Path.GetTempPath(), "llmspell-durable-" + Guid.NewGuid().ToString("N"));

    protected static TimeSpan RunLimit => TimeSpan.FromSeconds(20);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
        foreach (var store in _stores) await store.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS: the temp directory is cleaned by it later.
        }
    }

    /// <summary>Opens the test's journal file (again).</summary>
    protected async Task<SqliteStore> OpenStore()
    {
        var store = await SqliteStore.OpenAsync(SqliteOptions.Default.WithDataDirectory(Directory));
        _stores.Add(store);
        return store;
    }

    protected ActorSystem NewSystem()
    {
        var system = ActorSystem.Create($"durable-{++_systemCount}", "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        _systems.Add(system);
        return system;
    }

    protected static WorkflowEngine DurableEngine(ActorSystem system, IJournal journal, LlmSpell.Tools.IToolRegistry tools, bool resumeOnStart = false,
        string? runId = null, ScriptedAgents? agents = null)
    {
        var options = WorkflowEngineOptions.Default.WithDurability(new DurableRunOptions(journal).WithResumeOnStart(resumeOnStart));
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
