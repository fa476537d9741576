using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Persistence;

/// <summary>
/// An event-sourced actor, as Akka's <c>PersistentActor</c>: its state is rebuilt from a snapshot and the
/// events after it (<see cref="ReceiveRecover"/>), and it changes state only by persisting events
/// (<see cref="Persist{TEvent}"/>) whose handlers run once they are durable.
/// <para>
/// While a <c>Persist</c> is being written, new commands are stashed and processed, in order, after its
/// handler ran; <c>PersistAsync</c> does not stash. During recovery no command is processed. A failed
/// write stops the actor (<see cref="OnPersistFailure"/>): put it under a
/// <see cref="Pattern.BackoffSupervisor"/> (<c>BackoffOptions.OnStop</c>) to bring it back. A failed
/// recovery stops it too (<see cref="OnRecoveryFailure"/>).
/// </para>
/// Do not use <c>Context.Become</c> on a persistent actor (it would bypass persistence); use
/// <see cref="ReceivePersistentActor"/>'s <c>Become</c>.
/// </summary>
public abstract partial class PersistentActor : ActorBase, IWithStash
{
    private readonly ActorCell _cell;
    private readonly PersistenceExtension _persistence;

    protected PersistentActor()
    {
        _cell = (ActorCell)Context;
        _persistence = PersistenceExtension.Get(Context.System);
        _userStash = new UserStash(this);
        _kernelStashView = new KernelStashView(this);
        BeginRecovery();
    }

    /// <summary>The id of this actor's event stream; stable across restarts and processes (e.g. <c>"run-42"</c>).</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event recovered or persisted (whose handler ran).</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The sequence number of the snapshot recovery started from (0 when none).</summary>
    public long SnapshotSequenceNr { get; private set; }

    /// <summary>True until recovery has completed.</summary>
    public bool IsRecovering => _recovering;

    public bool IsRecoveryFinished => !_recovering;

    /// <summary>How this actor recovers; override to start from another snapshot or stop early. Default: <see cref="Recovery.Default"/>.</summary>
    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>The journal of the system's <see cref="PersistenceExtension"/>.</summary>
    protected IJournal Journal => _persistence.Journal;

    protected ISnapshotStore SnapshotStore => _persistence.SnapshotStore;

    protected IEventSerializer Serializer => _persistence.Serializer;

    /// <summary>Handles a snapshot offer, a replayed event, or <see cref="RecoveryCompleted"/>; false when not handled.</summary>
    protected abstract bool ReceiveRecover(object message);

    /// <summary>Handles a command; false when not handled.</summary>
    protected abstract bool ReceiveCommand(object message);

    /// <summary>
    /// Called when the journal failed to write <paramref name="event"/> (and the rest of its batch); the actor
    /// stops right after. By default logs the error.
    /// </summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Log.LogError(cause, "Failed to persist event type [{EventType}] with sequence number [{SequenceNr}] for persistence id [{PersistenceId}]; the actor stops",
            @event.GetType().Name, sequenceNr, PersistenceId);

    /// <summary>
    /// Called when recovery failed (the journal could not be read, an event could not be deserialized, or a
    /// recovery handler threw); <paramref name="event"/> is the event being replayed, if any. The actor stops
    /// right after. By default logs the error.
    /// </summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event) =>
        Log.LogError(cause, "Recovery of persistence id [{PersistenceId}] failed{At}; the actor stops",
            SafePersistenceId(), @event is null ? "" : $" on event type [{@event.GetType().Name}]");

    // Once a restart replaced this instance, or the actor stops, work still in flight for it must not touch the actor.
    private bool IsCurrentIncarnation => ReferenceEquals(_cell.Actor, this) && !_cell.IsTerminating;

    private DateTimeOffset Now()
    {
        var now = Context.System.Settings.TimeProvider.GetUtcNow();
        // Milliseconds: every store keeps at least that, so a timestamp reads back as written.
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private string SafePersistenceId()
    {
        try
        {
            return PersistenceId;
        }
        catch (Exception)
        {
            return "?";
        }
    }

    protected sealed override bool Receive(object message)
    {
        if (message is JournalReply reply)
        {
            // A reply to an earlier incarnation (before a restart) is dropped, as Akka drops it by instance id.
            if (ReferenceEquals(reply.Owner, this)) HandleJournalReply(reply);
            return true;
        }
        var wasUnstashed = ReferenceEquals(message, _unstashedInFlight);
        _unstashedInFlight = null;
        if (_pendingStashingInvocations > 0)
        {
            if (wasUnstashed) _internalStash.AddFirst(_cell.CurrentEnvelope);
            else _internalStash.AddLast(_cell.CurrentEnvelope);
            return true;
        }
        return RunCommand(message);
    }
}
