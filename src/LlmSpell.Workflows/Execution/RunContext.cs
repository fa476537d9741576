using System.Collections.Concurrent;
using Akka.Actor;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

/// <summary>
/// What all coordinators of one run share: its id, services, event feed, completion, and the
/// registry of wait steps currently waiting for a signal (thread-safe: coordinators of parallel
/// branches use it at once).
/// </summary>
internal sealed class RunContext
{
    private readonly TaskCompletionSource<WorkflowResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunContext(string runId, WorkflowServices services, ActorSystem system)
    {
        RunId = runId;
        Services = services;
        System = system;
    }

    public string RunId { get; }
    public WorkflowServices Services { get; }

    /// <summary>The services' resolver, or resolution by name over the services' tools.</summary>
    public IToolResolver ToolResolver => _toolResolver ??= Services.ToolResolver ?? new ToolResolver(Services.Tools);

    private IToolResolver? _toolResolver;
    public ActorSystem System { get; }
    public RunEventLog Events { get; } = new();
    public Task<WorkflowResult> Completion => _completion.Task;
    public TimeProvider Clock => Services.Clock;

    /// <summary>Signal name → the coordinator whose wait step expects it.</summary>
    public ConcurrentDictionary<string, IActorRef> Waiters { get; } = new(StringComparer.Ordinal);

    /// <summary>The run's journal when the engine is durable; null in memory.</summary>
    public RunJournal? Journal { get; init; }

    /// <summary>Step key → recorded result of the steps a resumed run completed before: they are not run again.</summary>
    public IReadOnlyDictionary<string, StepResult> Recorded { get; init; } = new Dictionary<string, StepResult>();

    // Guards the event log, the subscribers and the status together, so that every subscriber sees the events
    // in the log's order, and one that joins late gets all earlier events exactly once.
    private readonly object _gate = new();
    private readonly List<IActorRef> _subscribers = [];
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private int _stepsCompleted;
    private WorkflowResult? _result;

    /// <summary>The workflow's name, for status reports.</summary>
    public string WorkflowName { get; init; } = "";

    /// <summary>Publishes the event to the log, the subscribers and the event stream; in a durable run also journals it. The task completes when it is durable.</summary>
    public Task Emit(WorkflowEvent @event)
    {
        lock (_gate)
        {
            Events.Append(@event);
            Track(@event);
            foreach (var subscriber in _subscribers) subscriber.Tell(@event, ActorRefs.NoSender);
        }
        System.EventStream.Publish(@event);
        return Journal is { } journal && RunJournal.IsJournaled(@event) ? journal.AppendAsync(@event) : Task.CompletedTask;
    }

    private void Track(WorkflowEvent @event)
    {
        switch (@event)
        {
            case StepStarted s: _running.Add(s.Key); break;
            case StepCompleted s: _running.Remove(s.Key); _stepsCompleted++; break;
            case StepFailed s: _running.Remove(s.Key); break;
            // A wait step that waits runs nothing: it is listed by the signal it waits for (Waiters).
            case SignalAwaited s: _running.Remove(s.Key); break;
        }
    }

    /// <summary>Sends <paramref name="subscriber"/> every event so far, then the live ones, then <see cref="RunFinished"/>.</summary>
    public void Subscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            foreach (var e in Events.Snapshot()) subscriber.Tell(e, ActorRefs.NoSender);
            if (_result is { } result) subscriber.Tell(new RunFinished(result), ActorRefs.NoSender);
            else _subscribers.Add(subscriber);
        }
    }

    /// <summary>Where the run is now.</summary>
    public RunStatusReport Status()
    {
        lock (_gate)
        {
            return new RunStatusReport(RunId, WorkflowName, _running.Order(StringComparer.Ordinal).ToArray(),
                Waiters.Keys.Order(StringComparer.Ordinal).ToArray(), _stepsCompleted);
        }
    }

    public void Complete(WorkflowResult result)
    {
        if (!_completion.TrySetResult(result)) return;
        lock (_gate)
        {
            _result = result;
            foreach (var subscriber in _subscribers) subscriber.Tell(new RunFinished(result), ActorRefs.NoSender);
            _subscribers.Clear();
        }
        Events.Complete();
    }

    /// <summary>Completes the run once <paramref name="written"/> (its terminal event) is durable; a failed write fails the result.</summary>
    public void Complete(WorkflowResult result, Task written)
    {
        if (written.IsCompletedSuccessfully)
        {
            Complete(result);
            return;
        }
        written.ContinueWith(t => Complete(t.IsCompletedSuccessfully ? result : result with
        {
            Status = result.Status == RunStatus.Completed ? RunStatus.Failed : result.Status,
            Error = $"{result.Error ?? "the run ended"}; but its end could not be journaled: {t.Exception?.InnerException?.Message}",
        }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
