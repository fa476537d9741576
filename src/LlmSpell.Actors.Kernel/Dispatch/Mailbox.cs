namespace LlmSpell.Actors.Dispatch;

/// <summary>
/// An actor's two queues (system messages first, then user messages) and its run loop on the
/// thread pool. A status word guarantees at most one thread processes the actor at a time.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;
    private const int Closed = 2;

    private MpscQueue<Envelope> _user = new(); // a mutable struct: never copy it
    private SystemMessage? _system; // lock-free LIFO; reversed when taken
    private int _status;
    private readonly int _throughput;

    public Mailbox(int throughput) => _throughput = throughput;

    public ActorCell Cell { get; set; } = null!;

    public bool IsClosed => (Volatile.Read(ref _status) & Closed) != 0;

    /// <summary>True while a thread is processing (or about to process) the actor.</summary>
    public bool IsScheduled => (Volatile.Read(ref _status) & Scheduled) != 0;

    public int NumberOfMessages => _user.CountUpTo(10_000);

    public void Post(in Envelope envelope)
    {
        _user.Enqueue(envelope);
        TrySchedule();
    }

    public void PostSystem(SystemMessage message)
    {
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _system);
            message.Next = head;
        } while (!ReferenceEquals(Interlocked.CompareExchange(ref _system, message, head), head));
        TrySchedule();
    }

    /// <summary>Schedules the first run, which creates the actor.</summary>
    public void Start() => TrySchedule();

    private void TrySchedule()
    {
        var status = Volatile.Read(ref _status);
        while ((status & Scheduled) == 0)
        {
            var seen = Interlocked.CompareExchange(ref _status, status | Scheduled, status);
            if (seen == status)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
                return;
            }
            status = seen;
        }
    }

    /// <summary>Marks the mailbox closed; later messages are routed to dead letters by the run loop.</summary>
    public void Close()
    {
        int status;
        do status = Volatile.Read(ref _status);
        while (Interlocked.CompareExchange(ref _status, status | Closed, status) != status);
    }

    public void Execute()
    {
        var cell = Cell;
        ActorCell.Current = cell;
        try
        {
            if (IsClosed)
            {
                DrainAfterClose(cell);
                return;
            }
            if (cell.NeedsCreate) cell.CreateActor(); // first run: before anything else, as Akka's Create message
            ProcessSystemMessages(cell);
            if (!IsClosed) ProcessUserMessages(cell);
            if (IsClosed) DrainAfterClose(cell);
        }
        finally
        {
            ActorCell.Current = null;
            int status;
            do status = Volatile.Read(ref _status);
            while (Interlocked.CompareExchange(ref _status, status & ~Scheduled, status) != status);

            // A producer may have enqueued after our last look but before we went idle.
            if (Volatile.Read(ref _system) is not null
                || ((!_user.IsEmpty || cell.HasUnstashed) && (IsClosed || cell.CanProcessUserMessages)))
                TrySchedule();
        }
    }

    private SystemMessage? TakeSystemMessages()
    {
        var list = Interlocked.Exchange(ref _system, null);
        SystemMessage? reversed = null;
        while (list is not null)
        {
            var next = list.Next;
            list.Next = reversed;
            reversed = list;
            list = next;
        }
        return reversed;
    }

    private void ProcessSystemMessages(ActorCell cell)
    {
        for (var batch = TakeSystemMessages(); batch is not null; batch = TakeSystemMessages())
        {
            while (batch is not null)
            {
                var next = batch.Next;
                batch.Next = null;
                // Once the actor has stopped, what is left is answered as from a dead actor.
                if (IsClosed) cell.HandleSystemMessageAfterDeath(batch);
                else cell.SystemInvoke(batch);
                batch = next;
            }
        }
    }

    private void ProcessUserMessages(ActorCell cell)
    {
        var left = _throughput;
        while (left-- > 0 && cell.CanProcessUserMessages)
        {
            if (!cell.TryTakeStashed(out var envelope) && !_user.TryDequeue(out envelope)) return;
            cell.Invoke(envelope);
            if (Volatile.Read(ref _system) is not null)
            {
                ProcessSystemMessages(cell);
                if (IsClosed) return;
            }
        }
    }

    private void DrainAfterClose(ActorCell cell)
    {
        ProcessSystemMessages(cell);
        while (_user.TryDequeue(out var envelope)) cell.SendToDeadLetters(envelope);
    }
}
