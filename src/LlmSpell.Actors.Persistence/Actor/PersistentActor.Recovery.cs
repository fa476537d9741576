using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Persistence;

// Recovery runs on the actor as an async operation that holds user messages in the mailbox (the
// cell's async gate) until it ends: the latest snapshot, the events after it in order, RecoveryCompleted.
public abstract partial class PersistentActor
{
    private bool _recovering = true;
    private TaskCompletionSource? _recoveryGate;

    private void BeginRecovery()
    {
        // Gate from the constructor on, so no command slips in between creation and recovery; the gate of an
        // instance a restart replaced is simply left pending (its work checks IsCurrentIncarnation).
        var gate = new TaskCompletionSource();
        _recoveryGate = gate;
        _cell.AwaitAsyncHandler(gate.Task);
        _cell.SyncContext.Post(static state => ((PersistentActor)state!).StartRecovery(), this);
    }

    private void StartRecovery()
    {
        if (!IsCurrentIncarnation) return;
        _ = RecoverAsync();
    }

    private async Task RecoverAsync()
    {
        var persistenceId = "?";
        long position = 0;
        object? current = null;
        var stage = "loading the snapshot";
        try
        {
            persistenceId = PersistenceId;
            JournalGuard.ValidatePersistenceId(persistenceId);
            var recovery = Recovery;

            if (!recovery.FromSnapshot.IsNone)
            {
                var snapshot = await SnapshotStore.LoadAsync(persistenceId, recovery.FromSnapshot.Limit(recovery.ToSequenceNr), CancellationToken.None);
                if (!IsCurrentIncarnation) return;
                if (snapshot is not null)
                {
                    position = snapshot.Metadata.SequenceNr;
                    var offer = new SnapshotOffer(snapshot.Metadata, Serializer.DeserializeSnapshot(snapshot));
                    current = offer;
                    stage = "handling the snapshot offer";
                    SnapshotSequenceNr = LastSequenceNr = snapshot.Metadata.SequenceNr;
                    Recover(offer);
                }
            }

            stage = "reading the highest sequence number";
            var highest = await Journal.ReadHighestSequenceNrAsync(persistenceId, CancellationToken.None);
            if (!IsCurrentIncarnation) return;

            var to = Math.Min(recovery.ToSequenceNr, highest);
            if (to > LastSequenceNr && recovery.ReplayMax > 0)
            {
                stage = "reading the journal";
                position = LastSequenceNr + 1;
                await foreach (var repr in Journal.ReplayAsync(persistenceId, LastSequenceNr + 1, to, recovery.ReplayMax, CancellationToken.None))
                {
                    if (!IsCurrentIncarnation) return;
                    position = repr.SequenceNr;
                    current = null;
                    var @event = Serializer.DeserializeEvent(repr);
                    current = @event;
                    stage = "replaying an event";
                    // As Akka: the handler sees the number of the event it handles.
                    LastSequenceNr = repr.SequenceNr;
                    Recover(@event);
                    stage = "reading the journal";
                    position = repr.SequenceNr + 1;
                }
                if (!IsCurrentIncarnation) return;
            }

            // As Akka: the actor continues after the highest number ever written, even if it replayed less.
            _sequenceNr = LastSequenceNr = Math.Max(LastSequenceNr, highest);
            _recovering = false;
            stage = "handling RecoveryCompleted";
            position = LastSequenceNr;
            current = RecoveryCompleted.Instance;
            _inTurn = true;
            try
            {
                ReceiveRecover(RecoveryCompleted.Instance); // not handling it is fine
            }
            finally
            {
                _inTurn = false;
            }
            FlushBatch();
        }
        catch (Exception ex) when (IsCurrentIncarnation)
        {
            _recovering = false;
            var cause = ex is EventDeserializationException or SnapshotDeserializationException or RecoveryFailedException
                ? ex
                : new RecoveryFailedException(persistenceId, position, stage, ex);
            try
            {
                OnRecoveryFailure(cause, current);
            }
            catch (Exception hookFailure)
            {
                Log.LogError(hookFailure, "OnRecoveryFailure of persistence id [{PersistenceId}] threw", persistenceId);
            }
            Context.Stop(Self);
            return;
        }
        catch (Exception)
        {
            return; // this incarnation is over; the failure is of no interest to the next one
        }
        _recoveryGate?.TrySetResult();
    }

    private void Recover(object message)
    {
        if (!ReceiveRecover(message)) Unhandled(message);
    }
}
