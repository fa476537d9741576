namespace LlmSpell.Workflows.Agents;

/// <summary>
/// Reports when nothing has arrived for a while: after <c>after</c> without a <see cref="Touch"/>, and again after each
/// further <c>after</c> of silence. A touch is a timestamp write, so it costs nothing per streamed token.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _after;
    private readonly Action<TimeSpan> _report;
    private readonly ITimer _timer;
    private long _last;
    private int _disposed;

    // Only the timer's callback reads and writes these (one at a time: the timer is re-armed at its end).
    private long _lastSeen;
    private long _periodsReported;

    public StallWatch(TimeSpan after, TimeProvider time, Action<TimeSpan> report)
    {
        _time = time;
        _after = after;
        _report = report;
        _last = _lastSeen = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((StallWatch)s!).Check(), this, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Something arrived.</summary>
    public void Touch() => Volatile.Write(ref _last, _time.GetTimestamp());

    private void Check()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        var last = Volatile.Read(ref _last);
        // Something arrived since the last check: a new silence starts counting from it.
        if (last != _lastSeen)
        {
            _lastSeen = last;
            _periodsReported = 0;
        }
        var silence = _time.GetElapsedTime(last);
        // Whole periods of silence, reported once each: a timer that fires a little early reports nothing and
        // checks again when the period is complete, so the notices count 1×, 2×, 3× the period, never the same twice.
        var periods = silence.Ticks / _after.Ticks;
        if (periods > _periodsReported)
        {
            _periodsReported = periods;
            _report(TimeSpan.FromTicks(periods * _after.Ticks));
        }
        var next = TimeSpan.FromTicks((periods + 1) * _after.Ticks - silence.Ticks);
        if (Volatile.Read(ref _disposed) != 0) return;
        try
        {
            _timer.Change(next, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _timer.Dispose();
    }
}
