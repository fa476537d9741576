using System.Globalization;

namespace LlmSpell.Actors.Testing;

/// <summary>Timing of the TestKit's expectations, scaled for slow machines.</summary>
public static class TestKitSettings
{
    /// <summary>Environment variable that multiplies every TestKit timeout (e.g. 3 on a loaded CI machine).</summary>
    public const string TimeFactorVariable = "LLMSPELL_TEST_TIMEFACTOR";

    /// <summary>The time factor from <see cref="TimeFactorVariable"/>, default 1.</summary>
    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(TimeFactorVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1.0;

    /// <summary>How long an expectation waits when none is given (before dilation).</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <summary>How long ExpectNoMsg waits when none is given (before dilation).</summary>
    public static TimeSpan DefaultNoMessageDuration { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Scales a duration by the time factor.</summary>
    public static TimeSpan Dilated(TimeSpan duration) => TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));
}
