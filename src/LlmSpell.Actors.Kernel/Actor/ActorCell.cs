using LlmSpell.Actors.Dispatch;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors;

/// <summary>
/// The runtime side of one actor incarnation: its mailbox, current message, children,
/// watchers and supervision state. Only the mailbox's thread touches most of it; the
/// children table is locked because <c>ActorOf</c> may come from any thread.
/// </summary>
public sealed partial class ActorCell : IActorContext
{
    [ThreadStatic] private static ActorCell? _current;

    private const int StateCreating = 0;
    private const int StateRunning = 1;
    private const int StateRecreating = 2;
    private const int StateTerminating = 3;
    private const int StateTerminated = 4;

    private volatile int _state = StateCreating;
    private Envelope _currentEnvelope;
    private int _suspendCount;
    private bool _awaitingAsync;
    private ActorSynchronizationContext? _syncContext;

    internal ActorCell(ActorSystem system, LocalActorRef self, Props props, IInternalActorRef parent, Mailbox mailbox)
    {
        System = system;
        SelfRef = self;
        Props = props;
        Parent = parent;
        Mailbox = mailbox;
        mailbox.Cell = this;
    }

    /// <summary>The cell whose actor is running on this thread, if any.</summary>
    internal static ActorCell? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The cell whose actor instance is being constructed on this thread.</summary>
    [ThreadStatic] internal static ActorCell? Creating;

    internal static IActorRef CurrentSelfOrExternal(IActorRef receiver) =>
        _current?.SelfRef ?? (receiver is LocalActorRef local ? local.System.ExternalSender : null) ?? ActorRefs.NoSender;

    public ActorSystem System { get; }
    internal LocalActorRef SelfRef { get; }
    public IActorRef Self => SelfRef;
    public Props Props { get; }
    public IInternalActorRef Parent { get; }
    IActorRef IActorContext.Parent => Parent;
    internal Mailbox Mailbox { get; }
    internal ActorBase? Actor { get; private set; }

    public IActorRef Sender => _currentEnvelope.Sender ?? ActorRefs.NoSender;
    internal Envelope CurrentEnvelope => _currentEnvelope;

    internal bool IsTerminated => _state == StateTerminated;
    internal bool IsTerminating => _state >= StateTerminating;

    internal bool CanProcessUserMessages => _state == StateRunning && _suspendCount == 0 && !_awaitingAsync;

    internal ILogger SystemLog => System.Log;

    internal void Start() => Mailbox.Start();

    internal bool NeedsCreate => _state == StateCreating;

    internal void Send(in Envelope envelope) => Mailbox.Post(envelope);

    internal void SendSystemMessage(SystemMessage message) => Mailbox.PostSystem(message);

    /// <summary>Processes one user message; failures go to the supervisor, never to the caller.</summary>
    internal void Invoke(Envelope envelope)
    {
        _currentEnvelope = envelope;
        var message = envelope.Message;
        try
        {
            if (message is IAutoReceivedMessage) AutoReceive(envelope);
            else Actor!.AroundReceive(message);
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex);
        }
        if (_timing is not null) AfterMessageForReceiveTimeout(message);
        // Done with this message (unless its async handler still runs, whose continuations need its
        // Sender): a later failure, such as a child's escalated one, must not be blamed on it.
        if (!_awaitingAsync) _currentEnvelope = default;
    }

    private void AutoReceive(Envelope envelope)
    {
        switch (envelope.Message)
        {
            case TimerScheduler.TimerMessage timer:
                if (_timing?.Timers is { } timers && timers.Accept(timer, out var inner))
                {
                    // As in Akka.NET, a timer message has no sender: a reply to it must not loop back to us.
                    _currentEnvelope = new Envelope(inner, ActorRefs.NoSender);
                    if (inner is IAutoReceivedMessage) AutoReceive(_currentEnvelope);
                    else Actor!.AroundReceive(inner);
                }
                break;
            case WatchedActorTerminated watched:
                if (TakeQueuedTerminated(watched.Actor))
                {
                    _currentEnvelope = new Envelope(watched.Message, watched.Actor);
                    Actor!.AroundReceive(watched.Message); // an unhandled Terminated throws DeathPactException
                }
                break;
            case PoisonPill:
                Stop(SelfRef);
                break;
            case Kill:
                throw new ActorKilledException("Kill");
            case Identify identify:
                envelope.Sender.Tell(new ActorIdentity(identify.MessageId, SelfRef), SelfRef);
                break;
            case LlmSpell.Actors.ReceiveTimeout:
                ReceiveTimeoutArrived();
                Actor!.AroundReceive(LlmSpell.Actors.ReceiveTimeout.Instance);
                break;
            default:
                Actor!.AroundReceive(envelope.Message);
                break;
        }
    }

    /// <summary>Processes one system message.</summary>
    internal void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Terminate: BeginTerminate(); break;
                case Suspend: FaultSuspend(); break;
                case Resume resume: FaultResume(resume.CausedByFailure); break;
                case Recreate recreate: FaultRecreate(recreate.Cause); break;
                case Failed failed: HandleFailed(failed); break;
                case Watch watch: HandleWatch(watch); break;
                case Unwatch unwatch: HandleUnwatch(unwatch); break;
                case DeathWatchNotification dwn: HandleDeathWatchNotification(dwn); break;
                case AsyncHandlerCompleted done: HandleAsyncHandlerCompleted(done); break;
                case RunContinuation run: RunContinuationOnActor(run); break;
            }
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex);
        }
    }

    /// <summary>What a stopped actor does with a system message that still reaches it.</summary>
    internal void HandleSystemMessageAfterDeath(SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when !watch.Watcher.Equals(SelfRef):
                watch.Watcher.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: false));
                break;
            case RunContinuation run:
                // The actor is gone, but the task must still finish: run it on the pool.
                ThreadPool.UnsafeQueueUserWorkItem(static r => r.Callback(r.State), run, preferLocal: false);
                break;
        }
    }

    internal void SendToDeadLetters(in Envelope envelope) =>
        System.DeadLettersRef.Publish(envelope.Message, envelope.Sender, SelfRef);

    internal void CreateActor()
    {
        try
        {
            Actor = NewActor();
            Actor.AroundPreStart();
            _state = StateRunning;
        }
        catch (Exception ex)
        {
            Actor = null;
            _state = StateRunning; // so that supervision can restart or stop it
            HandleInvokeFailure(ex is ActorInitializationException ? ex
                : new ActorInitializationException(SelfRef, $"Exception while creating actor {SelfRef}: {ex.Message}", ex));
        }
    }

    private ActorBase NewActor()
    {
        _currentEnvelope = default;
        Creating = this;
        ActorBase actor;
        try
        {
            actor = Props.NewActor(this);
        }
        finally
        {
            Creating = null;
        }
        if (actor is IWithStash withStash) withStash.Stash = new ActorStash(this);
        if (actor is IWithTimers withTimers) withTimers.Timers = Timers;
        return actor;
    }

    /// <summary>Called by an async handler that did not finish synchronously: hold user messages until it does.</summary>
    internal void AwaitAsyncHandler(Task task)
    {
        _awaitingAsync = true;
        var envelope = _currentEnvelope;
        task.ContinueWith(
            static (t, s) =>
            {
                var (cell, env) = ((ActorCell, Envelope))s!;
                cell.SendSystemMessage(new AsyncHandlerCompleted(t, env));
            },
            (this, envelope), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal SynchronizationContext SyncContext => _syncContext ??= new ActorSynchronizationContext(this);

    private void HandleAsyncHandlerCompleted(AsyncHandlerCompleted done)
    {
        _awaitingAsync = false;
        if (done.Task.IsFaulted)
        {
            _currentEnvelope = done.Envelope;
            var ex = done.Task.Exception!.InnerExceptions.Count == 1 ? done.Task.Exception.InnerException! : done.Task.Exception;
            HandleInvokeFailure(ex);
        }
        else if (done.Task.IsCanceled)
        {
            // A canceled handler failed to do its work, as in Akka.NET and as the synchronous path already treats it.
            _currentEnvelope = done.Envelope;
            HandleInvokeFailure(new TaskCanceledException(done.Task));
        }
        _currentEnvelope = default;
    }

    private void RunContinuationOnActor(RunContinuation run)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(SyncContext);
        try
        {
            run.Callback(run.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Posts continuations of an async handler back to its actor, as Akka's ActorTaskScheduler does.</summary>
    private sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => cell.SendSystemMessage(new RunContinuation(d, state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("Synchronous Send is not supported on an actor's context.");

        public override SynchronizationContext CreateCopy() => this;
    }

    public override string ToString() => $"ActorCell {SelfRef}";
}
