using System.Collections.Concurrent;
using Akka.Actor;
using LlmSpell.Tools.Resolution;
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

    /// <summary>The address of the node the run is on (<c>akka.tcp://llmspell@HOST:PORT</c>); null in an actor system without remoting.</summary>
    public string? Node => ((ExtendedActorSystem)System).Provider.DefaultAddress is { HasGlobalScope: true } address ? address.ToString() : null;

    public RunEventLog Events { get; } = new();
    public Task<WorkflowResult> Completion => _completion.Task;
    public TimeProvider Clock => Services.Clock;

    /// <summary>Signal name → the coordinator whose wait step expects it.</summary>
    public ConcurrentDictionary<string, IActorRef> Waiters { get; } = new(StringComparer.Ordinal);

    /// <summary>The run's persistent actor when the engine is durable (it journals events before they are published); null in memory.</summary>
    public IActorRef? Persister { get; set; }

    /// <summary>Step key → recorded result of the steps a resumed run completed before: they are not run again.</summary>
    public IReadOnlyDictionary<string, StepResult> Recorded { get; set; } = new Dictionary<string, StepResult>();

    // Set once: after a close (the engine stopped with the run unfinished) nothing more is journaled; after a journal failure
    // nothing more can be, and the run ends failed with that failure.
    private volatile bool _closed;
    private volatile Exception? _journalFailure;

    // Guards the event log, the subscribers and the status together, so that every subscriber sees the events
    // in the log's order, and one that joins late gets all earlier events exactly once.
    private readonly object _gate = new();
    private readonly List<IActorRef> _subscribers = [];
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private int _stepsCompleted;
    private WorkflowResult? _result;

    /// <summary>The workflow's name, for status reports.</summary>
    public string WorkflowName { get; set; } = "";

    /// <summary>
    /// Publishes the event to the log, the subscribers and the event stream. In a durable run it goes through the run's persistent
    /// actor, which journals it first (in emission order), so nobody sees a step's completion before it is durable; the task
    /// completes when it is.
    /// </summary>
    public Task Emit(WorkflowEvent @event)
    {
        if (Persister is { } persister && !_closed)
        {
            if (_journalFailure is { } failure)
            {
                Publish(@event);
                return Task.FromException(failure);
            }
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            persister.Tell(new DurableRun.Append(@event, written), ActorRefs.NoSender);
            return written.Task;
        }
        Publish(@event);
        return Task.CompletedTask;
    }

    /// <summary>Whether the event is part of the durable record (streamed text, stall warnings and the in-memory start event are not).</summary>
    public static bool IsJournaled(WorkflowEvent @event) => @event is not (StepProgress or StepStalled or RunStarted);

    /// <summary>Shows the event to the run's log, subscribers and the actor system's event stream.</summary>
    public void Publish(WorkflowEvent @event)
    {
        lock (_gate)
        {
            Events.Append(@event);
            Track(@event);
            foreach (var subscriber in _subscribers) subscriber.Tell(@event, ActorRefs.NoSender);
        }
        System.EventStream.Publish(@event);
    }

    // Steps of a durable run with an agent or tool attempt started and not yet ended (as its persistent actor has received the
    // end): a run handed to another node stops once none is.
    private readonly HashSet<string> _working = new(StringComparer.Ordinal);
    private volatile bool _draining;

    /// <summary>The run is being handed to another node: no attempt starts here any more (the next node starts it).</summary>
    public bool Draining => _draining;

    /// <summary>Starts no more attempts; the run stops here once <see cref="IsWorking"/> is false, and goes on elsewhere.</summary>
    public void Drain() => _draining = true;

    /// <summary>A coordinator starts an agent or tool attempt of step <paramref name="key"/> (tracked in durable runs only).</summary>
    public void WorkStarted(string key)
    {
        if (Persister is null) return;
        lock (_working) _working.Add(key);
    }

    /// <summary>The run's persistent actor received <paramref name="event"/>: a step's completion, failure or retry ends its attempt.</summary>
    public void WorkEnded(WorkflowEvent @event)
    {
        var key = @event switch { StepCompleted e => e.Key, StepFailed e => e.Key, StepRetrying e => e.Key, _ => null };
        if (key is null) return;
        lock (_working) _working.Remove(key);
    }

    /// <summary>Whether an agent or tool attempt is running.</summary>
    public bool IsWorking
    {
        get
        {
            lock (_working) return _working.Count > 0;
        }
    }

    /// <summary>No more journaling: the engine stops with the run unfinished, which must stay resumable.</summary>
    public void Close() => _closed = true;

    /// <summary>The journal failed or refused a write: nothing more is journaled and the run ends failed with <paramref name="failure"/>'s message.</summary>
    public void FailJournal(Exception failure) => _journalFailure ??= failure;

    /// <summary>Set when the run's journal failed (see <see cref="FailJournal"/>).</summary>
    public Exception? JournalFailure => _journalFailure;

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
                Waiters.Keys.Order(StringComparer.Ordinal).ToArray(), _stepsCompleted) { Node = Node };
        }
    }

    /// <summary>The run was handed to another node: its subscribers hear <see cref="RunMoved"/> (not a result) and are dropped here.</summary>
    public void Moved()
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers) subscriber.Tell(new RunMoved(RunId), ActorRefs.NoSender);
            _subscribers.Clear();
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
        if (_journalFailure is { } failure)
        {
            Complete(result with { Status = RunStatus.Failed, Error = failure.Message });
            return;
        }
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
