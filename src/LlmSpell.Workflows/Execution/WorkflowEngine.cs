using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Execution;

/// <summary>Starts and controls workflow runs; the API for embedding the engine.</summary>
public interface IWorkflowEngine
{
    /// <summary>Validates and starts a run; returns at once with a handle to watch, await or cancel it.</summary>
    Task<IWorkflowRun> StartAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a workflow to its end; cancelling <paramref name="cancellationToken"/> cancels the run.</summary>
    Task<WorkflowResult> RunAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default);

    /// <summary>Delivers a signal to a run's waiting wait step; its payload becomes the step's output.</summary>
    Task SignalAsync(string runId, string signal, JsonNode? payload = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels an active run.</summary>
    Task CancelAsync(string runId, string reason = "cancelled by request", CancellationToken cancellationToken = default);
}

/// <summary>A run in progress.</summary>
public interface IWorkflowRun
{
    string Id { get; }

    /// <summary>Every progress event from the start, live, until the run ends.</summary>
    IAsyncEnumerable<WorkflowEvent> Events { get; }

    /// <summary>The result when the run ends (completed, failed, cancelled or timed out — never faulted).</summary>
    Task<WorkflowResult> Completion { get; }

    Task CancelAsync(string reason = "cancelled by request");
}

/// <summary>Options of a <see cref="WorkflowEngine"/>.</summary>
public sealed record WorkflowEngineOptions
{
    public static readonly WorkflowEngineOptions Default = new();

    /// <summary>Makes run ids; default: a new GUID without dashes.</summary>
    public Func<string> RunIdGenerator { get; init; } = () => Guid.NewGuid().ToString("N");

    /// <summary>How long engine calls wait for the supervisor to answer.</summary>
    public TimeSpan ControlTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Durable runs (a journal, resume on start); null keeps runs in memory only.</summary>
    public DurableRunOptions? Durability { get; init; }

    public WorkflowEngineOptions WithRunIdGenerator(Func<string> generator) => this with { RunIdGenerator = generator };

    public WorkflowEngineOptions WithDurability(DurableRunOptions? durability) => this with { Durability = durability };
}

/// <summary>The workflow engine on an actor system: a <c>/user/workflows</c> supervisor with a coordinator per run.</summary>
public sealed partial class WorkflowEngine : IWorkflowEngine
{
    private readonly ActorSystem _system;
    private readonly WorkflowServices _services;
    private readonly WorkflowEngineOptions _options;
    private readonly IActorRef _supervisor;

    public WorkflowEngine(ActorSystem system, WorkflowServices services, WorkflowEngineOptions? options = null, string supervisorName = "workflows")
    {
        _system = system;
        _services = services;
        _options = options ?? WorkflowEngineOptions.Default;
        _supervisor = system.ActorOf(WorkflowSupervisor.Props(), supervisorName);
        Recovery = _options.Durability is { ResumeOnStart: true } ? ResumeUnfinishedAsync() : Task.FromResult<IReadOnlyList<IWorkflowRun>>([]);
    }

    /// <summary>The <c>/user/workflows</c> supervisor of this engine's runs.</summary>
    public IActorRef Supervisor => _supervisor;

    public Task<IWorkflowRun> StartAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default) =>
        StartAsync(_options.RunIdGenerator(), definition, input, cancellationToken);

    /// <summary>Starts a run under an id the caller chose (e.g. one it holds a cluster lease for).</summary>
    public async Task<IWorkflowRun> StartAsync(string runId, WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        Validate(definition);
        if (_options.Durability is { } durability)
        {
            return await ReservedAsync(runId, async () => await StartRunAsync(
                await BeginDurableRunAsync(durability, runId, definition, input, cancellationToken).ConfigureAwait(false),
                definition, input, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        return await StartRunAsync(new RunContext(runId, _services, _system), definition, input, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IWorkflowRun> StartRunAsync(RunContext run, WorkflowDefinition definition, JsonNode? input, CancellationToken cancellationToken)
    {
        var spec = new CoordinatorSpec(run, definition, RunScope.Empty with { Input = input?.DeepClone() }, "", definition.Workflows, IsRoot: true);
        await _supervisor.Ask<WorkflowSupervisor.RunAccepted>(new WorkflowSupervisor.StartRun(spec), _options.ControlTimeout, cancellationToken).ConfigureAwait(false);
        return new WorkflowRun(this, run);
    }

    public async Task<WorkflowResult> RunAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        var run = await StartAsync(definition, input, cancellationToken).ConfigureAwait(false);
        await using var cancel = cancellationToken.Register(() => _ = run.CancelAsync("the caller cancelled the run"));
        return await run.Completion.ConfigureAwait(false);
    }

    public Task SignalAsync(string runId, string signal, JsonNode? payload = null, CancellationToken cancellationToken = default) =>
        _supervisor.Ask(new WorkflowSupervisor.SignalRun(runId, signal, payload?.DeepClone()), _options.ControlTimeout, cancellationToken);

    public async Task CancelAsync(string runId, string reason = "cancelled by request", CancellationToken cancellationToken = default)
    {
        try
        {
            await _supervisor.Ask(new WorkflowSupervisor.CancelRun(runId, reason), _options.ControlTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException) when (_options.Durability is { } durability)
        {
            // Not active here: an interrupted durable run is cancelled in its journal.
            await CancelInJournalAsync(durability, runId, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class WorkflowRun(WorkflowEngine engine, RunContext run) : IWorkflowRun
    {
        public string Id => run.RunId;
        public IAsyncEnumerable<WorkflowEvent> Events => run.Events.ReadAllAsync();
        public Task<WorkflowResult> Completion => run.Completion;

        public async Task CancelAsync(string reason = "cancelled by request")
        {
            if (run.Completion.IsCompleted) return;
            try
            {
                await engine.CancelAsync(run.RunId, reason).ConfigureAwait(false);
            }
            catch (KeyNotFoundException) when (run.Completion.IsCompleted)
            {
                // It finished while the cancel was on its way: nothing to cancel.
            }
        }
    }
}
