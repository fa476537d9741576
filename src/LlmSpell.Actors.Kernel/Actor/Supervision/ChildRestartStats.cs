using System.Diagnostics;

namespace LlmSpell.Actors;

/// <summary>A child and how often it was restarted within the current window.</summary>
public sealed class ChildRestartStats
{
    private long _windowStart;

    internal ChildRestartStats(IInternalActorRef child) => Child = child;

    public IInternalActorRef Child { get; }

    public int RestartCount { get; private set; }

    /// <summary>The parent has asked this child to stop; guarded by the parent's children lock.</summary>
    internal bool IsStopping { get; set; }

    /// <summary>
    /// Counts a restart; false when it would exceed <paramref name="maxNrOfRetries"/> within
    /// <paramref name="window"/> (then the child is stopped instead).
    /// </summary>
    internal bool RequestRestartPermission(int maxNrOfRetries, TimeSpan? window)
    {
        if (maxNrOfRetries == 0) return false;
        if (maxNrOfRetries < 0 && window is null) return true;
        var retries = maxNrOfRetries < 0 ? 1 : maxNrOfRetries; // as Akka: a window with no count allows one
        var done = RestartCount + 1;
        if (window is { } w)
        {
            var now = Stopwatch.GetTimestamp();
            if (_windowStart == 0) _windowStart = now;
            if (Stopwatch.GetElapsedTime(_windowStart, now) <= w)
            {
                RestartCount = done;
                return done <= retries;
            }
            // The window has passed: this restart opens a new one.
            RestartCount = 1;
            _windowStart = now;
            return true;
        }
        RestartCount = done;
        return done <= retries;
    }
}
