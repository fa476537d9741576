using LlmSpell.Actors.Scheduling;

namespace LlmSpell.Actors;

// Receive timeout and per-actor timers.
public sealed partial class ActorCell
{
    private TimingState? _timing; // allocated on first use

    private sealed class TimingState
    {
        public TimeSpan? ReceiveTimeout;
        public ICancelable? ReceiveTimeoutTask;
        public TimerScheduler? Timers;
    }

    public TimeSpan? ReceiveTimeout => _timing?.ReceiveTimeout;

    /// <summary>Sends <see cref="LlmSpell.Actors.ReceiveTimeout"/> after this long without messages; null turns it off.</summary>
    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        var timing = _timing ??= new TimingState();
        timing.ReceiveTimeout = timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan ? t : null;
        timing.ReceiveTimeoutTask?.Cancel();
        timing.ReceiveTimeoutTask = null;
        ScheduleReceiveTimeout(timing);
    }

    private void AfterMessageForReceiveTimeout(object message)
    {
        var timing = _timing!;
        if (timing.ReceiveTimeout is null) return;
        if (message is not INotInfluenceReceiveTimeout)
        {
            timing.ReceiveTimeoutTask?.Cancel();
            timing.ReceiveTimeoutTask = null;
        }
        ScheduleReceiveTimeout(timing);
    }

    private void ScheduleReceiveTimeout(TimingState timing)
    {
        if (timing.ReceiveTimeout is { } timeout && timing.ReceiveTimeoutTask is null && !IsTerminating)
            timing.ReceiveTimeoutTask = System.Scheduler.ScheduleTellOnce(timeout, SelfRef, LlmSpell.Actors.ReceiveTimeout.Instance, SelfRef);
    }

    /// <summary>The ReceiveTimeout that was scheduled has arrived; the next one is scheduled after it is processed.</summary>
    private void ReceiveTimeoutArrived()
    {
        if (_timing is not null) _timing.ReceiveTimeoutTask = null;
    }

    internal TimerScheduler Timers => (_timing ??= new TimingState()).Timers ??= new TimerScheduler(this);

    private void CancelTimersAndReceiveTimeout()
    {
        if (_timing is null) return;
        _timing.ReceiveTimeoutTask?.Cancel();
        _timing.ReceiveTimeoutTask = null;
        _timing.Timers?.CancelAll();
    }
}
