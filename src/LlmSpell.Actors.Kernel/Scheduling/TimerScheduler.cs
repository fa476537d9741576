using LlmSpell.Actors.Scheduling;

namespace LlmSpell.Actors;

/// <summary>Keyed timers owned by one actor; all are cancelled when it stops or restarts.</summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);
    void StartPeriodicTimer(object key, object message, TimeSpan interval);
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);
    bool IsTimerActive(object key);
    void Cancel(object key);
    void CancelAll();
}

/// <summary>Implemented by actors that use <see cref="ITimerScheduler"/>; the runtime sets <see cref="Timers"/>.</summary>
public interface IWithTimers
{
    ITimerScheduler Timers { get; set; }
}

/// <summary>
/// Timer messages carry a generation, so one already in the mailbox when its timer was
/// cancelled or replaced is dropped instead of delivered.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Timer> _timers = new();
    private int _generation;

    internal sealed record TimerMessage(object Key, int Generation, object Message) : IAutoReceivedMessage;

    private sealed record Timer(int Generation, bool Repeat, ICancelable Task);

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var generation = ++_generation;
        var msg = new TimerMessage(key, generation, message);
        var scheduler = cell.System.Scheduler;
        var task = interval is { } i
            ? scheduler.ScheduleTellRepeatedly(delay, i, cell.Self, msg, ActorRefs.NoSender)
            : scheduler.ScheduleTellOnce(delay, cell.Self, msg, ActorRefs.NoSender);
        _timers[key] = new Timer(generation, interval is not null, task);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer)) timer.Task.Cancel();
    }

    public void CancelAll()
    {
        foreach (var timer in _timers.Values) timer.Task.Cancel();
        _timers.Clear();
    }

    /// <summary>True when the timer message is still current; a once-off timer is then done.</summary>
    internal bool Accept(TimerMessage message, out object inner)
    {
        inner = message.Message;
        if (!_timers.TryGetValue(message.Key, out var timer) || timer.Generation != message.Generation) return false;
        if (!timer.Repeat) _timers.Remove(message.Key);
        return true;
    }
}
