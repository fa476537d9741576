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

    public StallWatch(TimeSpan after, TimeProvider time, Action<TimeSpan> report)
    {
        _time = time;
        _after = after;
        _report = report;
        _last = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((StallWatch)s!).Check(), this, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Something arrived.</summary>
    public void Touch() => Volatile.Write(ref _last, _time.GetTimestamp());

    private void Check()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        var silence = _time.GetElapsedTime(Volatile.Read(ref _last));
        TimeSpan next;
        if (silence >= _after)
        {
            _report(TimeSpan.FromSeconds(Math.Floor(silence.TotalSeconds)));
            next = _after;
        }
        else
        {
            next = _after - silence;
        }
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
