using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.BuiltIn.Time;

/// <summary>An ISO 8601 duration (<c>P1Y2M3W4DT5H6M7.5S</c>, optionally negative): calendar parts and an exact time part.</summary>
public sealed partial record IsoDuration(int Years, int Months, int Days, TimeSpan Time)
{
    /// <summary>Parses a duration; null when the text is not one.</summary>
    public static IsoDuration? TryParse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success || m.Groups.Cast<Group>().Skip(2).All(g => !g.Success)) return null;
        var sign = m.Groups[1].Success ? -1 : 1;
        int Int(int group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        double Num(int group) => m.Groups[group].Success ? double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var time = TimeSpan.FromHours(Num(6)) + TimeSpan.FromMinutes(Num(7)) + TimeSpan.FromSeconds(Num(8));
            return new IsoDuration(sign * Int(2), sign * Int(3), sign * (Int(4) * 7 + Int(5)), sign * time);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Adds the calendar parts on the wall clock of <paramref name="zone"/> (so P1D across a DST change keeps the hour), then the exact time.</summary>
    public DateTimeOffset AddTo(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var wall = local.AddYears(Years).AddMonths(Months).AddDays(Days);
        var offset = zone.IsInvalidTime(wall) ? zone.BaseUtcOffset : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).Add(Time);
    }

    /// <summary>An exact span as a duration of days, hours, minutes and seconds (<c>P1DT2H</c>, <c>-PT0.5S</c>, <c>PT0S</c>).</summary>
    public static string Format(TimeSpan span)
    {
        var text = new StringBuilder(span < TimeSpan.Zero ? "-P" : "P");
        var abs = span.Duration();
        if (abs.Days > 0) text.Append(abs.Days).Append('D');
        var seconds = abs.Seconds + abs.Milliseconds / 1000.0 + (abs.Ticks % TimeSpan.TicksPerMillisecond) / (double)TimeSpan.TicksPerSecond;
        if (abs.Hours > 0 || abs.Minutes > 0 || seconds > 0 || abs.Days == 0)
        {
            text.Append('T');
            if (abs.Hours > 0) text.Append(abs.Hours).Append('H');
            if (abs.Minutes > 0) text.Append(abs.Minutes).Append('M');
            if (seconds > 0 || (abs.Hours == 0 && abs.Minutes == 0)) text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
        }
        return text.ToString();
    }

    [GeneratedRegex(@"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
