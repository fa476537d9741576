using LlmSpell.Actors.Scheduling;

namespace LlmSpell.Actors;

// Receive timeout and per-actor timers.
public sealed partial class ActorCell
{
    private TimeSpan? _receiveTimeout;
    private ICancelable? _receiveTimeoutTask;
    private TimerScheduler? _timers;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    /// <summary>Sends <see cref="LlmSpell.Actors.ReceiveTimeout"/> after this long without messages; null turns it off.</summary>
    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        _receiveTimeout = timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan ? t : null;
        _receiveTimeoutTask?.Cancel();
        _receiveTimeoutTask = null;
        ScheduleReceiveTimeout();
    }

    private void AfterMessageForReceiveTimeout(object message)
    {
        if (message is not INotInfluenceReceiveTimeout)
        {
            _receiveTimeoutTask?.Cancel();
            _receiveTimeoutTask = null;
        }
        ScheduleReceiveTimeout();
    }

    private void ScheduleReceiveTimeout()
    {
        if (_receiveTimeout is { } timeout && _receiveTimeoutTask is null && !IsTerminating)
            _receiveTimeoutTask = System.Scheduler.ScheduleTellOnce(timeout, SelfRef, LlmSpell.Actors.ReceiveTimeout.Instance, SelfRef);
    }

    internal TimerScheduler Timers => _timers ??= new TimerScheduler(this);

    private void CancelTimersAndReceiveTimeout()
    {
        _receiveTimeoutTask?.Cancel();
        _receiveTimeoutTask = null;
        _timers?.CancelAll();
    }
}
