using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

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

    /// <summary>
    /// How long a start, resume, cancel of an interrupted run or purge waits for the journal (recovery and first write): longer
    /// than <see cref="ControlTimeout"/>, because a busy store (many processes on one SQLite file) is slow but not broken.
    /// </summary>
    public TimeSpan JournalTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Durable runs (on the actor system's journal; resume on start); null keeps runs in memory only.</summary>
    public DurableRunOptions? Durability { get; init; }

    /// <summary>
    /// Where runs live: null, children of this engine's runs actor; else where the placement puts them (e.g. a cluster's
    /// shards, or a cluster reached from outside: LlmSpell.Cluster), each run an actor of its own reached by id. Runs placed
    /// here (sharded) need <see cref="Durability"/>; a run that moves to another node is followed there by its handle.
    /// </summary>
    public IRunPlacement? Placement { get; init; }

    public WorkflowEngineOptions WithRunIdGenerator(Func<string> generator) => this with { RunIdGenerator = generator };

    public WorkflowEngineOptions WithPlacement(IRunPlacement? placement) => this with { Placement = placement };

    public WorkflowEngineOptions WithDurability(DurableRunOptions? durability) => this with { Durability = durability };
}

/// <summary>
/// The workflow engine on an actor system: the runs actor (<c>/user/llmspell-runs</c>) with a coordinator per run. This API
/// rides on the runs actor's public protocol (<see cref="Runs"/>, docs/actors.md), as any actor of the app may.
/// </summary>
public sealed partial class WorkflowEngine : IWorkflowEngine
{
    /// <summary>The runs actor's name under <c>/user</c> unless the engine is given another.</summary>
    public const string DefaultRunsActorName = "llmspell-runs";

    private readonly ActorSystem _system;
    private readonly WorkflowServices _services;
    private readonly WorkflowEngineOptions _options;
    private readonly IActorRef _runs;

    public WorkflowEngine(ActorSystem system, WorkflowServices services, WorkflowEngineOptions? options = null, string runsActorName = DefaultRunsActorName)
    {
        _system = system;
        _services = services;
        _options = options ?? WorkflowEngineOptions.Default;
        var durable = _options.Durability;
        LiveRuns = durable?.LiveRunsDirectory is { } folder ? new LiveRuns(folder) : null;
        Store = durable is null ? null : RunStoreOptions.Describe(system.Settings.Config);
        var settings = new RunsSettings(services, _options.RunIdGenerator, durable, LiveRuns, Store ?? "memory");
        if (_options.Placement is { } placement)
        {
            // The placement keeps one actor per run: live-run marks of this process would only stop another node resuming a run.
            if (LiveRuns is not null) throw new ArgumentException("Placed runs have one writer by placement: leave DurableRunOptions.LiveRunsDirectory unset.", nameof(options));
            // A node with the journal answers the queries of engines outside the cluster (RunReaderClient).
            _runs = system.ActorOf(RunsFront.Props(placement.Start(system, new RunEntities(settings)), _options.RunIdGenerator,
                durable is null ? null : () => Reader), runsActorName);
        }
        else _runs = system.ActorOf(RunsActor.Props(settings), runsActorName);
        if (durable is not null) StartDurability(durable, Store!);
        // Runs placed on other nodes, and no journal here: the runs' nodes read it for this engine.
        else if (_options.Placement is not null) _reader = new Lazy<IRunReader>(() => new RunReaderClient(_runs, _options.ControlTimeout));
    }

    /// <summary>The runs actor: send it <see cref="StartRun"/>, <see cref="CancelRun"/>, <see cref="SignalRun"/>, <see cref="GetRunStatus"/>, <see cref="SubscribeToRun"/>.</summary>
    public IActorRef Runs => _runs;

    public Task<IWorkflowRun> StartAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default) =>
        StartAsync(_options.RunIdGenerator(), definition, input, cancellationToken);

    /// <summary>Starts a run under an id the caller chose (e.g. one it holds a cluster lease for).</summary>
    public Task<IWorkflowRun> StartAsync(string runId, WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        // Validated here too, so that a bad definition throws before anything is sent.
        Validate(definition);
        var stored = _options.Durability is null ? null : WorkflowJson.SerializeDefinition(definition);
        return SendAsync(observer => new StartRun(definition, input?.DeepClone()) { RunId = runId, Subscriber = observer, Validated = true, StoredDefinition = stored }, cancellationToken);
    }

    /// <summary>
    /// Sends a start, resume or subscription with a fresh observer as its subscriber; the observer is the run's handle. A placed
    /// run is followed from the node its acceptance names, else from <paramref name="node"/>.
    /// </summary>
    private async Task<IWorkflowRun> SendAsync(Func<IActorRef, object> message, CancellationToken cancellationToken, string? node = null)
    {
        var observer = new RunObserver(_system);
        var timeout = _options.Durability is null ? _options.ControlTimeout : _options.JournalTimeout;
        IRunMessage reply;
        try
        {
            reply = await _runs.Ask<IRunMessage>(message(observer), timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            observer.Unregister();
            if (ex is AskTimeoutException && _options.Durability is not null)
                throw new RunJournalException($"The run journal ({Store}) did not answer within {timeout.TotalSeconds:0} s; it may be locked by another process or unreachable. Try again, or check the store.", ex);
            throw;
        }
        if (reply is RunAccepted or SubscribedToRun)
        {
            // A placed run may move to another node (its node leaves or is lost): the observer follows it.
            if (_options.Placement is not null) observer.Follow(reply.RunId, (reply as RunAccepted)?.Node ?? node, _runs, _options.ControlTimeout);
            return new WorkflowRun(this, reply.RunId, observer);
        }
        // No run will report to the observer.
        observer.Unregister();
        throw Refusal(reply);
    }

    /// <summary>The exception a refused request throws: the refusal's own cause in-process, else one of its kind.</summary>
    internal static Exception Refusal(object reply) => reply switch
    {
        RunRejected { Cause: { } cause } => cause,
        RunRejected { Kind: RejectionKind.NotFound } r => new KeyNotFoundException(r.Reason),
        RunRejected { Kind: RejectionKind.Journal } r => new RunJournalException(r.Reason),
        RunRejected r => new InvalidOperationException(r.Reason),
        _ => new InvalidOperationException($"The runs actor answered {reply.GetType().Name}, which this request does not expect."),
    };

    public async Task<WorkflowResult> RunAsync(WorkflowDefinition definition, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Not the caller's token: a cancel while the start is answered would leave the run going with nobody to cancel it.
        var run = await StartAsync(definition, input, CancellationToken.None).ConfigureAwait(false);
        await using var cancel = cancellationToken.Register(() => _ = run.CancelAsync("the caller cancelled the run"));
        return await run.Completion.ConfigureAwait(false);
    }

    public async Task SignalAsync(string runId, string signal, JsonNode? payload = null, CancellationToken cancellationToken = default)
    {
        var reply = await _runs.Ask<IRunMessage>(new SignalRun(runId, signal, payload?.DeepClone()), _options.ControlTimeout, cancellationToken).ConfigureAwait(false);
        if (reply is not SignalAccepted) throw Refusal(reply);
    }

    public async Task CancelAsync(string runId, string reason = "cancelled by request", CancellationToken cancellationToken = default)
    {
        var reply = await _runs.Ask<IRunMessage>(new CancelRun(runId, reason), _options.ControlTimeout, cancellationToken).ConfigureAwait(false);
        if (reply is RunCancelling) return;
        if (reply is RunRejected { Kind: RejectionKind.NotFound } && _options.Durability is not null)
        {
            // Not active here: live in another process, or interrupted.
            await CancelElsewhereAsync(runId, reason, cancellationToken).ConfigureAwait(false);
            return;
        }
        throw Refusal(reply);
    }

    /// <summary>
    /// Follows a run that is active — here, or on the nodes of a cluster, where asking for it continues it if it is unfinished —:
    /// its events from the first, live, then its result. Throws <see cref="KeyNotFoundException"/> when no run of that id is active.
    /// </summary>
    public async Task<IWorkflowRun> AttachAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var timeout = _options.Durability is null ? _options.ControlTimeout : _options.JournalTimeout;
        var status = await _runs.Ask<IRunMessage>(new GetRunStatus(runId), timeout, cancellationToken).ConfigureAwait(false);
        if (status is not RunStatusReport report) throw Refusal(status);
        return await SendAsync(observer => new SubscribeToRun(runId, observer), cancellationToken, report.Node).ConfigureAwait(false);
    }

    /// <summary>Throws when <paramref name="definition"/> is not valid here, the tools it names included.</summary>
    private void Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = WorkflowValidator.Validate(definition, _services.Tools);
        if (errors.Count > 0) throw new WorkflowValidationException(errors, source: null);
    }

    private sealed class WorkflowRun(WorkflowEngine engine, string runId, RunObserver observer) : IWorkflowRun
    {
        public string Id => runId;
        public IAsyncEnumerable<WorkflowEvent> Events => observer.Events.ReadAllAsync();
        public Task<WorkflowResult> Completion => observer.Completion;

        public async Task CancelAsync(string reason = "cancelled by request")
        {
            if (Completion.IsCompleted) return;
            try
            {
                await engine.CancelAsync(runId, reason).ConfigureAwait(false);
            }
            catch (KeyNotFoundException) when (Completion.IsCompleted)
            {
                // It finished while the cancel was on its way: nothing to cancel.
            }
        }
    }
}
