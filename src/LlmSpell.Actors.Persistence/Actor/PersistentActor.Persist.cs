namespace LlmSpell.Actors.Persistence;

// Persist, PersistAll, PersistAsync, Defer: invocations are batched per turn; one journal write is in
// flight at a time per actor, so events are written and their handlers run in the order of the calls.
public abstract partial class PersistentActor
{
    private readonly List<Invocation> _batch = [];
    private bool _writeInProgress;
    private int _pendingStashingInvocations;
    private long _sequenceNr; // the last sequence number handed out

    private sealed class Invocation(object @event, Action<object> handler, bool stashing, long sequenceNr, PersistentRepr? repr, IActorRef sender)
    {
        public object Event { get; } = @event;
        public Action<object> Handler { get; } = handler;
        public bool Stashing { get; } = stashing;
        public long SequenceNr { get; } = sequenceNr;
        public PersistentRepr? Repr { get; } = repr; // null for Defer
        public IActorRef Sender { get; } = sender;
    }

    private abstract class JournalReply(PersistentActor owner)
    {
        public PersistentActor Owner { get; } = owner;
    }

    private sealed class WriteCompleted(PersistentActor owner, Invocation[] invocations, bool lastOfWrite) : JournalReply(owner)
    {
        public Invocation[] Invocations { get; } = invocations;
        public bool LastOfWrite { get; } = lastOfWrite;
    }

    private sealed class WriteFailed(PersistentActor owner, Invocation[] invocations, Exception cause) : JournalReply(owner)
    {
        public Invocation[] Invocations { get; } = invocations;
        public Exception Cause { get; } = cause;
    }

    /// <summary>
    /// Persists <paramref name="event"/>; <paramref name="handler"/> runs once it is durable, with <c>Sender</c> as now.
    /// Commands that arrive meanwhile are stashed and processed after the handler.
    /// Wrap the event in <see cref="Tagged"/> to store tags with it.
    /// </summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull =>
        Enqueue([@event], handler, stashing: true);

    /// <summary>Persists the events atomically (all or none); the handler runs for each, in order. Stashes commands as <see cref="Persist{TEvent}"/>.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull =>
        Enqueue(events, handler, stashing: true);

    /// <summary>Persists <paramref name="event"/> without stashing: commands keep being processed while it is written; handlers still run in order.</summary>
    protected void PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull =>
        Enqueue([@event], handler, stashing: false);

    /// <summary>Persists the events atomically without stashing commands.</summary>
    protected void PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull =>
        Enqueue(events, handler, stashing: false);

    /// <summary>Runs <paramref name="handler"/> after the handlers of every persist call before it, without persisting; stashes commands meanwhile.</summary>
    protected void Defer<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull => EnqueueDeferred(@event, handler, stashing: true);

    /// <summary>Runs <paramref name="handler"/> after the handlers of every persist call before it, without persisting or stashing.</summary>
    protected void DeferAsync<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull => EnqueueDeferred(@event, handler, stashing: false);

    private void Enqueue<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler, bool stashing) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfCannotPersist();
        var untyped = (Action<object>)(e => handler((TEvent)e));
        var sender = Sender;
        var timestamp = Now();
        var persistenceId = PersistenceId;
        // Serialize everything first: an unregistered type fails the call before anything is queued.
        var staged = new List<(object Event, SerializedValue Value, IReadOnlyList<string> Tags)>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            var (payload, tags) = e is Tagged tagged ? (tagged.Payload, tagged.Tags) : ((object)e, (IReadOnlyList<string>)[]);
            staged.Add((e, Serializer.Serialize(payload), tags));
        }
        foreach (var (e, value, tags) in staged)
        {
            var sequenceNr = ++_sequenceNr;
            var repr = new PersistentRepr(persistenceId, sequenceNr, value.Manifest, value.Payload, timestamp) { Tags = tags };
            _batch.Add(new Invocation(e, untyped, stashing, sequenceNr, repr, sender));
            if (stashing) _pendingStashingInvocations++;
        }
        if (!_inTurn) FlushBatch();
    }

    private void EnqueueDeferred<TEvent>(TEvent @event, Action<TEvent> handler, bool stashing) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfCannotPersist();
        if (_batch.Count == 0 && !_writeInProgress)
        {
            handler(@event);
            return;
        }
        _batch.Add(new Invocation(@event, e => handler((TEvent)e), stashing, 0, null, Sender));
        if (stashing) _pendingStashingInvocations++;
        if (!_inTurn) FlushBatch();
    }

    private void ThrowIfCannotPersist()
    {
        if (_recovering)
            throw new InvalidOperationException($"Persistence id '{PersistenceId}': cannot persist while recovering; persist from a command handler or on RecoveryCompleted.");
        if (ActorCell.Current != _cell)
            throw new InvalidOperationException($"Persistence id '{PersistenceId}': Persist must be called on the actor (from a handler, or after an await inside RunTask/CommandAsync), not from another thread.");
    }

    /// <summary>Starts writing the batched invocations, unless a write is in flight (its completion flushes again).</summary>
    private void FlushBatch()
    {
        if (_writeInProgress || _batch.Count == 0) return;
        var invocations = _batch.ToArray();
        _batch.Clear();
        _writeInProgress = true;
        List<PersistentRepr>? events = null;
        foreach (var invocation in invocations)
            if (invocation.Repr is { } repr) (events ??= new List<PersistentRepr>(invocations.Length)).Add(repr);

        Task write;
        try
        {
            write = events is null ? Task.CompletedTask : Journal.WriteAsync(events, CancellationToken.None);
        }
        catch (Exception ex)
        {
            write = Task.FromException(ex);
        }
        var self = Self;
        write.ContinueWith(static (t, state) =>
            {
                var (owner, self, invocations) = ((PersistentActor, IActorRef, Invocation[]))state!;
                DeliverWriteResult(t, owner, self, invocations);
            },
            (this, self, invocations), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // Runs off the actor: only tells. Invocations of one sender travel together, so each handler sees its own Sender.
    private static void DeliverWriteResult(Task write, PersistentActor owner, IActorRef self, Invocation[] invocations)
    {
        if (!write.IsCompletedSuccessfully)
        {
            Exception cause = write.IsCanceled
                ? new TaskCanceledException(write)
                : write.Exception!.InnerExceptions.Count == 1 ? write.Exception.InnerException! : write.Exception;
            self.Tell(new WriteFailed(owner, invocations, cause), ActorRefs.NoSender);
            return;
        }
        var start = 0;
        for (var i = 1; i <= invocations.Length; i++)
        {
            if (i < invocations.Length && invocations[i].Sender.Equals(invocations[start].Sender)) continue;
            self.Tell(new WriteCompleted(owner, invocations[start..i], lastOfWrite: i == invocations.Length), invocations[start].Sender);
            start = i;
        }
    }

    private void HandleJournalReply(JournalReply reply)
    {
        switch (reply)
        {
            case WriteCompleted completed:
                OnWriteCompleted(completed);
                break;
            case WriteFailed failed:
                OnWriteFailed(failed);
                break;
        }
    }

    private void OnWriteCompleted(WriteCompleted completed)
    {
        if (completed.LastOfWrite) _writeInProgress = false;
        _inTurn = true;
        try
        {
            foreach (var invocation in completed.Invocations)
            {
                if (invocation.SequenceNr > 0) LastSequenceNr = invocation.SequenceNr;
                if (invocation.Stashing) _pendingStashingInvocations--;
                invocation.Handler(invocation.Event);
            }
        }
        finally
        {
            _inTurn = false;
            FlushBatch();
        }
        UnstashNextIfIdle();
    }

    private void OnWriteFailed(WriteFailed failed)
    {
        _writeInProgress = false;
        var first = failed.Invocations.FirstOrDefault(i => i.Repr is not null) ?? failed.Invocations[0];
        try
        {
            OnPersistFailure(failed.Cause, first.Event, first.SequenceNr);
        }
        finally
        {
            Context.Stop(Self);
        }
    }
}
