namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>A clock stopped at <c>now</c>, in UTC, for templates that print today's date.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
