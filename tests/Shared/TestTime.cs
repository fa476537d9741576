using System.Globalization;

namespace LlmSpell.Testing;

/// <summary>
/// Time limits of the specs, scaled for slow or loaded machines by <c>LLMSPELL_TEST_TIMEFACTOR</c> (CI sets 3).
/// Linked into each test project; Akka's TestKit gets the same factor through <see cref="AkkaConfig"/>.
/// </summary>
public static class TestTime
{
    /// <summary>Environment variable that multiplies every limit of the specs.</summary>
    public const string TimeFactorVariable = "LLMSPELL_TEST_TIMEFACTOR";

    /// <summary>The factor from <see cref="TimeFactorVariable"/>, default 1.</summary>
    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(TimeFactorVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1.0;

    /// <summary>Scales a duration by the time factor.</summary>
    public static TimeSpan Dilated(TimeSpan duration) => TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));

    /// <summary>HOCON for Akka.TestKit: the time factor, and no coordinated shutdown hooked to the test process's exit.</summary>
    public static string AkkaConfig { get; } = $$"""
        akka.test.timefactor = {{TimeFactor.ToString(CultureInfo.InvariantCulture)}}
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.loglevel = WARNING
        """;
}
