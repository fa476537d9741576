using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// A durable run: the persistent actor (persistence id <c>run-&lt;id&gt;</c>) that is the run's only writer. It recovers the run
/// from its snapshot and events, then starts (or resumes) the root coordinator as its child; every event of the run's
/// coordinators comes through it and is published only once it is journaled, in the order emitted. It also records a cancel
/// of an interrupted run and purges a finished one, so that nothing else ever writes a run's journal.
/// </summary>
internal sealed class DurableRun : PersistentActor, IWithTimers
{
    /// <summary>An event of the run to journal (if it belongs to the durable record) and then publish; <paramref name="Written"/> completes when it is durable.</summary>
    public sealed record Append(WorkflowEvent Event, TaskCompletionSource Written);

    /// <summary>What the actor does once the run is recovered.</summary>
    public abstract record Intent;

    /// <summary>Start a new run (refused if the id is already in the journal).</summary>
    // Stored: the definition as journaled (WorkflowJson.SerializeDefinition), if the sender made it already.
    public sealed record Begin(WorkflowDefinition Definition, JsonNode? Input, JsonNode? Stored = null) : Intent;

    /// <summary>Continue an unfinished run; its completed steps are not run again.</summary>
    public sealed record Resume : Intent;

    /// <summary>
    /// A run's entity starting: continue the run if it is unfinished (as <see cref="Resume"/>); for an id the journal does not hold,
    /// answer <see cref="Vacant"/> and wait for <see cref="StartHere"/>, so that a new run's start reads the journal once.
    /// </summary>
    public sealed record Adopt : Intent;

    /// <summary>The journal holds no run of this id: the actor waits for <see cref="StartHere"/> (or a stop).</summary>
    public sealed record Vacant(string RunId);

    /// <summary>Starts a new run in an actor that answered <see cref="Vacant"/>; it answers <paramref name="ReplyTo"/> as a begin does.</summary>
    public sealed record StartHere(Begin Begin, IActorRef ReplyTo, IActorRef? Subscriber);

    /// <summary>Record that an interrupted run is cancelled, so that it is never resumed; replies <see cref="RunCancelling"/>.</summary>
    public sealed record RecordCancel(string Reason) : Intent;

    /// <summary>Delete a run that ended at or before <paramref name="EndedBy"/>; replies <see cref="Purged"/>.</summary>
    public sealed record Purge(DateTimeOffset EndedBy) : Intent;

    /// <summary>
    /// Hands the run to another node (its node leaves the cluster): no attempt starts here any more; once the attempts running have
    /// ended and every event is journaled, the actor stops with the run unfinished, and the next node continues it.
    /// </summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>The run's events and snapshots are deleted.</summary>
    public sealed record Purged(string RunId) : IRunMessage;

    /// <summary>The tag of the events that say where a run stands (start, resume, steps done, waits, end): listing runs reads only these.</summary>
    public const string LifecycleTag = "llmspell-run";

    private readonly RunContext _run;
    private readonly Intent _intent;
    // Set again when a vacant actor is told to start a run (StartHere).
    private IActorRef _replyTo;
    private IActorRef? _subscriber;
    private readonly DurableRunOptions _options;
    private readonly LiveRuns? _live;
    private readonly string _store;
    // Journal writes in flight, oldest first, each with what must wait for it. Akka's DeferAsync would order the rest behind them
    // through the journal, but a batch of deferred handlers alone reaches Akka.Persistence.Sql as an empty write, which it fails,
    // and ten such failures open the journal's circuit breaker: every run's writes then fail for 30 s.
    private readonly LinkedList<InFlight> _inFlight = new();
    // Journaled events nobody waits for (a step's start, a retry, an iteration, a branch chosen) wait up to Linger for the next
    // event that says where the run stands, to share its commit: a quick step costs one commit (and fsync) instead of two.
    private readonly List<Append> _lingering = [];
    private IDisposable? _mark;
    private IActorRef? _coordinator;
    private WorkflowStarted? _started;
    private Dictionary<string, StepResult> _completed = new(StringComparer.Ordinal);
    private WorkflowEvent? _terminal;
    private int _sinceSnapshot;
    private int _definedSteps;
    private bool _drained;

    /// <summary>How long a journaled event nobody waits for may wait to share a commit; it is published after it, like every journaled event.</summary>
    internal static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    private sealed class WriteLingeringNow
    {
        public static readonly WriteLingeringNow Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RunContext run, Intent intent, IActorRef replyTo, IActorRef? subscriber, DurableRunOptions options, LiveRuns? live, string store) =>
        ActorProps.Of(() => new DurableRun(run, intent, replyTo, subscriber, options, live, store));

    private DurableRun(RunContext run, Intent intent, IActorRef replyTo, IActorRef? subscriber, DurableRunOptions options, LiveRuns? live, string store)
    {
        _run = run;
        _intent = intent;
        _replyTo = replyTo;
        _subscriber = subscriber;
        _options = options;
        _live = live;
        _store = store;
        run.Persister = Self;
    }

    public override string PersistenceId => RunIds.PersistenceId(_run.RunId);

    // A new run has nothing to recover: no snapshot is loaded and no event replayed, which saves a snapshot query and a replay
    // query per start (and a cold process the snapshot store's start). The journal still answers the id's highest sequence
    // number, so an id already taken is refused.
    public override Akka.Persistence.Recovery Recovery => _intent is Begin ? Akka.Persistence.Recovery.None : Akka.Persistence.Recovery.Default;

    private string RunId => _run.RunId;

    protected override void PreStart()
    {
        if (_live is null) return;
        _mark = _live.TryAcquire(RunId, out var holder);
        if (_mark is not null) return;
        var where = holder is { } pid ? $"process {pid}" : "another process";
        Refuse(RejectionKind.AlreadyActive, $"Run '{RunId}' is running in {where}; only that process can write it. " +
            $"Wait for it to end, or cancel it with 'llmspell workflow cancel {RunId}'.");
    }

    protected override void PostStop()
    {
        var stopped = _run.JournalFailure ?? new RunJournalException($"Run '{RunId}' stopped before this event was journaled.");
        foreach (var write in _inFlight)
        {
            write.Written.TrySetException(stopped);
            foreach (var (_, written) in write.After ?? []) written?.TrySetException(stopped);
        }
        _inFlight.Clear();
        foreach (var lingering in _lingering) lingering.Written.TrySetException(stopped);
        _mark?.Dispose();
        base.PostStop();
    }

    // ---- recovery --------------------------------------------------------------------------------

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RunSnapshot snapshot }:
                _started = snapshot.Started;
                _completed = new Dictionary<string, StepResult>(snapshot.CompletedSteps, StringComparer.Ordinal);
                break;
            case WorkflowEvent e:
                Apply(e);
                break;
            // Journals that keep the tag wrapper (the in-memory ones) replay it.
            case Tagged { Payload: WorkflowEvent e }:
                Apply(e);
                break;
            case RecoveryCompleted:
                OnRecovered();
                break;
        }
        return true;
    }

    private void Apply(WorkflowEvent e)
    {
        switch (e)
        {
            case WorkflowStarted started: _started = started; break;
            case StepCompleted step: _completed[step.Key] = step.Result; break;
            case RunResumed: _terminal = null; break;
            default: if (IsTerminal(e)) _terminal = e; break;
        }
        _sinceSnapshot++;
    }

    public static bool IsTerminal(WorkflowEvent e) => e is RunCompleted or RunFailed or RunCancelled or Events.RunTimedOut;

    private static bool IsLifecycle(WorkflowEvent e) =>
        e is WorkflowStarted or RunResumed or StepCompleted or SignalAwaited or SignalReceived || IsTerminal(e);

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Refuse(RejectionKind.Journal, $"Run '{RunId}' cannot be read from {_store}: {reason.Message}");
        base.OnRecoveryFailure(reason, message);
    }

    private void OnRecovered()
    {
        var now = _run.Clock.GetUtcNow();
        switch (_intent)
        {
            case Begin begin:
                if (LastSequenceNr > 0)
                {
                    Refuse(RejectionKind.AlreadyActive, $"Run id '{RunId}' is taken: {_store} already holds a run with it. Give the new run another id.");
                    return;
                }
                Start(begin);
                break;
            case Adopt when _started is null && LastSequenceNr == 0:
                _replyTo.Tell(new Vacant(RunId), Self);
                break;
            case Resume or Adopt:
                if (!Unfinished("resumed", out var definition)) return;
                var resumed = new RunResumed(LastSequenceNr, _completed.Count) { RunId = RunId, Timestamp = now };
                Persist(Tag(resumed), _ =>
                {
                    Apply(resumed);
                    // For the node's own log of the runs it holds (its subscribers see the run start again).
                    Context.System.EventStream.Publish(resumed);
                    _run.Recorded = new Dictionary<string, StepResult>(_completed, StringComparer.Ordinal);
                    Launch(definition, _started!.Input);
                });
                break;
            case RecordCancel cancel:
                if (!Unfinished("cancelled", out _)) return;
                var cancelled = new RunCancelled(cancel.Reason, now - _started!.Timestamp) { RunId = RunId, Timestamp = now };
                Persist(Tag(cancelled), _ =>
                {
                    _replyTo.Tell(new RunCancelling(RunId), Self);
                    Context.Stop(Self);
                });
                break;
            case Purge purge:
                if (_terminal is null || _terminal.Timestamp > purge.EndedBy)
                {
                    Refuse(RejectionKind.NotApplicable, $"Run '{RunId}' is not a finished run that ended by {purge.EndedBy:u}.");
                    return;
                }
                DeleteMessages(LastSequenceNr);
                break;
        }
    }

    private void Start(Begin begin)
    {
        var started = new WorkflowStarted(begin.Definition.Name, begin.Stored ?? WorkflowJson.SerializeDefinition(begin.Definition), begin.Input?.DeepClone())
        {
            RunId = RunId,
            Timestamp = _run.Clock.GetUtcNow(),
        };
        Persist(Tag(started), _ =>
        {
            Apply(started);
            Launch(begin.Definition, begin.Input);
        });
    }

    /// <summary>The run exists and has not ended; else refuses (naming why) and stops.</summary>
    private bool Unfinished(string verb, out WorkflowDefinition definition)
    {
        definition = null!;
        if (_started is null)
        {
            Refuse(RejectionKind.NotFound, $"{_store} has no run with id '{RunId}' (it never started, or it was purged).");
            return false;
        }
        if (_terminal is not null)
        {
            Refuse(RejectionKind.NotApplicable, $"Run '{RunId}' has already finished ({_terminal.Kind.Replace("run_", "")}); only unfinished runs can be {verb}.");
            return false;
        }
        try
        {
            definition = WorkflowJson.DeserializeDefinition(_started.Definition);
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            Refuse(RejectionKind.Journal, $"Run '{RunId}' cannot be {verb}: the definition in its journal cannot be read: {ex.Message}");
            return false;
        }
    }

    private void Launch(WorkflowDefinition definition, JsonNode? input)
    {
        _run.WorkflowName = definition.Name;
        _definedSteps = definition.DefinedSteps;
        // Subscribed before the coordinator emits its first event.
        if (_subscriber is not null) _run.Subscribe(_subscriber);
        var spec = new CoordinatorSpec(_run, definition, RunScope.Empty with { Input = input?.DeepClone() }, "", definition.Workflows, IsRoot: true);
        _coordinator = Context.ActorOf(WorkflowCoordinator.Props(spec), "root");
        Context.Watch(_coordinator);
        _replyTo.Tell(new RunAccepted(RunId) { Node = _run.Node }, Self);
        Stash.UnstashAll();
    }

    private void Refuse(RejectionKind kind, string reason)
    {
        _replyTo.Tell(new RunRejected(RunId, kind, reason) { Cause = kind switch
        {
            RejectionKind.NotFound => new KeyNotFoundException(reason),
            RejectionKind.Journal => new RunJournalException(reason),
            _ => new InvalidOperationException(reason),
        } }, Self);
        // The runs actor holds later requests for this id until this actor is gone.
        Context.Parent.Tell(new RunsActor.Stopping(), Self);
        Context.Stop(Self);
    }

    // ---- commands ----------------------------------------------------------------------------------

    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case Append journal:
                OnJournal(journal);
                return true;
            case WriteLingeringNow:
                WriteLingering();
                return true;
            case StartHere start when _intent is Adopt && _started is null && _coordinator is null:
                _replyTo = start.ReplyTo;
                _subscriber = start.Subscriber;
                Start(start.Begin);
                return true;
            case Drain:
                _run.Drain();
                Context.System.EventStream.Publish(new RunHandingOver(RunId, _run.Status().RunningSteps));
                StopIfDrained();
                return true;
            case WorkflowCoordinator.Cancel cancel:
                if (_coordinator is null) Stash.Stash();
                else _coordinator.Forward(cancel);
                return true;
            case Terminated t when t.ActorRef.Equals(_coordinator):
                // Stops once every event the run emitted is journaled and published.
                WriteLingering();
                AfterWritesInFlight(() => Context.Stop(Self));
                return true;
            case SaveSnapshotSuccess saved:
                // One snapshot is enough: the latest.
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failed:
                Context.GetLogger().Warning("Run {0}: saving a snapshot failed ({1}); recovery replays more events until the next one", RunId, failed.Cause.Message);
                return true;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                if (_intent is Purge) Context.Stop(Self);
                return true;
            case DeleteMessagesSuccess:
                _replyTo.Tell(new Purged(RunId), Self);
                DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
                return true;
            case DeleteMessagesFailure failure:
                Refuse(RejectionKind.Journal, $"Run '{RunId}' could not be purged from {_store}: {failure.Cause.Message}");
                return true;
            default:
                return false;
        }
    }

    private void OnJournal(Append journal)
    {
        // An attempt has ended once its end has reached this actor (a coordinator emits it before this actor receives it).
        _run.WorkEnded(journal.Event);
        WriteOrPublish(journal);
        if (_run.Draining) StopIfDrained();
    }

    /// <summary>A draining run stops once no attempt runs, after its last events are journaled.</summary>
    private void StopIfDrained()
    {
        if (_drained || _run.IsWorking) return;
        _drained = true;
        WriteLingering();
        AfterWritesInFlight(() => Context.Stop(Self));
    }

    private void WriteOrPublish(Append journal)
    {
        var e = journal.Event;
        if (!RunContext.IsJournaled(e) || _run.JournalFailure is not null)
        {
            // Not part of the record: published in order with the journaled events around it.
            WriteLingering();
            AfterWritesInFlight(() =>
            {
                _run.Publish(e);
                journal.Written.TrySetResult();
            }, journal.Written);
            return;
        }
        if (!IsLifecycle(e))
        {
            _lingering.Add(journal);
            if (_lingering.Count == 1) Timers.StartSingleTimer(nameof(WriteLingeringNow), WriteLingeringNow.Instance, Linger);
            return;
        }
        WriteLingering();
        Write(journal);
    }

    /// <summary>Writes the lingering events; called before anything that must follow them. Writes of one message share a commit.</summary>
    private void WriteLingering()
    {
        if (_lingering.Count == 0) return;
        Timers.Cancel(nameof(WriteLingeringNow));
        foreach (var lingering in _lingering) Write(lingering);
        _lingering.Clear();
    }

    private void Write(Append journal)
    {
        var e = journal.Event;
        var inFlight = new InFlight(journal.Written);
        _inFlight.AddLast(inFlight);
        PersistAsync(Tag(e), _ =>
        {
            _inFlight.RemoveFirst();
            Apply(e);
            _run.Publish(e);
            journal.Written.TrySetResult();
            inFlight.RunAfter();
            // A snapshot holds the definition and every completed step: taken every SnapshotEvery events alone, a run of 20,000
            // nested steps wrote 200 ever larger ones (60 s and 16 MB buffers), and 11,000 nested workflows running at once wrote
            // 19 of 8.6 MB (the definition) before many steps were done. Waiting for as many events as it holds steps, defined and
            // done, keeps their total within the events' own, and a recovery replays at most that many events after one.
            if (_sinceSnapshot >= Math.Max(_options.SnapshotEvery, _definedSteps + _completed.Count) && _started is not null && _terminal is null)
            {
                _sinceSnapshot = 0;
                SaveSnapshot(new RunSnapshot(_started, new Dictionary<string, StepResult>(_completed, StringComparer.Ordinal)));
            }
        });
    }

    /// <summary>Runs <paramref name="action"/> once every write in flight is journaled (now if none is); <paramref name="written"/> fails if the actor stops first.</summary>
    private void AfterWritesInFlight(Action action, TaskCompletionSource? written = null)
    {
        if (_inFlight.Count == 0) action();
        else (_inFlight.Last!.Value.After ??= []).Add((action, written));
    }

    private sealed class InFlight(TaskCompletionSource written)
    {
        public TaskCompletionSource Written { get; } = written;
        public List<(Action Run, TaskCompletionSource? Written)>? After { get; set; }

        public void RunAfter()
        {
            foreach (var (run, _) in After ?? []) run();
        }
    }

    /// <summary>The event as journaled: lifecycle events carry <see cref="LifecycleTag"/>.</summary>
    internal static object Tag(WorkflowEvent e) => IsLifecycle(e) ? new Tagged(e, [LifecycleTag]) : e;

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        FailJournal(cause, @event, sequenceNr, "could not write");

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailJournal(cause, @event, sequenceNr, "refused");
        // Nothing more is journaled (the run would have a gap); the coordinator ends the run as failed.
    }

    private void FailJournal(Exception cause, object @event, long sequenceNr, string what)
    {
        var payload = @event is Tagged tagged ? tagged.Payload : @event;
        var failure = new RunJournalException(
            $"Run '{RunId}' failed: the journal ({_store}) {what} its event #{sequenceNr} ({(payload as WorkflowEvent)?.Kind ?? payload.GetType().Name}): {cause.Message}. " +
            $"Everything before it is recorded; resume the run with 'llmspell workflow resume {RunId}' once the journal works again.", cause);
        _run.FailJournal(failure);
        // What waited for the failed writes goes on: events outside the record are still published, a stop still happens.
        while (_inFlight.First is { Value: var write })
        {
            _inFlight.RemoveFirst();
            write.Written.TrySetException(failure);
            write.RunAfter();
        }
        foreach (var lingering in _lingering) lingering.Written.TrySetException(failure);
        _lingering.Clear();
        // Not started yet (the start, resume or cancel itself failed): the requester hears it.
        if (_coordinator is null) Refuse(RejectionKind.Journal, failure.Message);
    }
}
