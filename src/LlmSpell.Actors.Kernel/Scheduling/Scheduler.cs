using System.Collections.Concurrent;

namespace LlmSpell.Actors.Scheduling;

/// <summary>
/// The system scheduler, on <see cref="System.TimeProvider"/> timers. Everything still pending
/// is cancelled when the actor system terminates.
/// </summary>
internal sealed class Scheduler : IScheduler
{
    private readonly ConcurrentDictionary<ScheduledItem, byte> _pending = new();
    private volatile bool _stopped;

    public Scheduler(TimeProvider timeProvider) => TimeProvider = timeProvider;

    public TimeProvider TimeProvider { get; }

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef sender) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, () => receiver.Tell(message, sender));

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef sender)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval of a repeated schedule must be positive.");
        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action) => Schedule(delay, Timeout.InfiniteTimeSpan, action);

    private ScheduledItem Schedule(TimeSpan delay, TimeSpan interval, Action action)
    {
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        var item = new ScheduledItem(this, action, interval == Timeout.InfiniteTimeSpan);
        if (_stopped)
        {
            item.Cancel();
            return item;
        }
        _pending[item] = 0;
        item.Start(delay, interval);
        return item;
    }

    internal void Stop()
    {
        _stopped = true;
        foreach (var item in _pending.Keys) item.Cancel();
    }

    private sealed class ScheduledItem(Scheduler owner, Action action, bool once) : ICancelable
    {
        private ITimer? _timer;
        private int _cancelled;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Start(TimeSpan delay, TimeSpan interval)
        {
            var timer = owner.TimeProvider.CreateTimer(static s => ((ScheduledItem)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer = timer;
            timer.Change(delay, interval);
            if (IsCancellationRequested) timer.Dispose();
        }

        private void Fire()
        {
            if (IsCancellationRequested) return;
            if (once) Finish();
            action();
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0) Finish();
        }

        private void Finish()
        {
            Volatile.Write(ref _cancelled, 1);
            _timer?.Dispose();
            owner._pending.TryRemove(this, out _);
        }
    }
}
