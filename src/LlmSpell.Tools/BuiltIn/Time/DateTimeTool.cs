using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.BuiltIn.Time;

/// <summary><c>datetime</c>: the current time in a time zone, formatting, parsing, adding ISO 8601 durations and differences.</summary>
public sealed partial class DateTimeTool(ToolsOptions options) : Tool(
    "datetime",
    "Gets the current time in a time zone, formats or parses a date-time, adds a duration, or measures the difference of two.",
    """
    {
      "type": "object",
      "properties": {
        "operation": { "type": "string", "enum": ["now", "format", "parse", "add", "diff"], "default": "now" },
        "value": { "type": "string", "description": "A date-time: ISO 8601 (2024-05-01T12:00:00Z; without an offset it is in timeZone) or Unix seconds (9 or more digits)." },
        "other": { "type": "string", "description": "diff: the second date-time; the result is other - value." },
        "duration": { "type": "string", "description": "add: an ISO 8601 duration such as P1D, PT2H30M or -P1W." },
        "timeZone": { "type": "string", "minLength": 1, "default": "UTC", "description": "An IANA time zone such as Europe/Paris." },
        "format": { "type": "string", "minLength": 1, "default": "iso", "description": "iso, unix, unix-ms, rfc1123, or a .NET pattern such as yyyy-MM-dd HH:mm." },
        "inputFormat": { "type": "string", "minLength": 1, "description": "parse: the exact .NET pattern of value." }
      },
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "value": { "type": "string", "description": "The result in the requested format." },
        "iso": { "type": "string" },
        "unix": { "type": "integer" },
        "timeZone": { "type": "string" },
        "milliseconds": { "type": "number" },
        "seconds": { "type": "number" },
        "minutes": { "type": "number" },
        "hours": { "type": "number" },
        "days": { "type": "number" },
        "duration": { "type": "string" }
      }
    }
    """,
    ["date-time-handler"])
{
    private const string IsoPattern = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";
    private readonly ToolsOptions _options = options.Validated();

    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var zone = Zone(arguments);
        var operation = arguments.String("operation");
        JsonObject result = operation switch
        {
            "now" => Describe(arguments, TimeZoneInfo.ConvertTime(_options.TimeProvider.GetUtcNow(), zone), zone),
            "format" or "parse" => Describe(arguments, TimeZoneInfo.ConvertTime(Read(arguments, "value", zone), zone), zone),
            "add" => Describe(arguments, TimeZoneInfo.ConvertTime(Duration(arguments).AddTo(Read(arguments, "value", zone, defaultNow: true), zone), zone), zone),
            _ => Difference(Read(arguments, "value", zone), Read(arguments, "other", zone)),
        };
        return Task.FromResult<JsonNode?>(result);
    }

    private static TimeZoneInfo Zone(ToolArguments arguments)
    {
        var id = arguments.String("timeZone");
        if (id.Equals("UTC", StringComparison.OrdinalIgnoreCase) || id == "Z") return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw arguments.Invalid("timeZone", "timeZone", $"is not a known time zone; use an IANA name such as Europe/Paris, America/New_York or UTC", inner: ex);
        }
    }

    private DateTimeOffset Read(ToolArguments arguments, string name, TimeZoneInfo zone, bool defaultNow = false)
    {
        var text = arguments.OptionalString(name);
        if (text is null)
        {
            if (defaultNow) return _options.TimeProvider.GetUtcNow();
            throw new ToolParameterException(Name, name, "required", null, $"is required for the operation '{arguments.String("operation")}'");
        }
        text = text.Trim();
        if (UnixPattern().IsMatch(text))
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(text, CultureInfo.InvariantCulture) * 1000));

        if (arguments.OptionalString("inputFormat") is { } exact && name == "value")
        {
            if (HasOffset(exact) && DateTimeOffset.TryParseExact(text, exact, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exactOffset))
                return exactOffset;
            if (!HasOffset(exact) && DateTime.TryParseExact(text, exact, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exactWall))
                return InZone(exactWall, zone);
            throw arguments.Invalid(name, "format", $"does not match the inputFormat '{exact}'");
        }
        if (OffsetPattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return withOffset;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
            return InZone(wall, zone);
        throw arguments.Invalid(name, "format", "is not a date-time; use ISO 8601 such as 2024-05-01T12:00:00Z, or Unix seconds");
    }

    private static bool HasOffset(string format) => format.Contains('z') || format.Contains('K');

    private static DateTimeOffset InZone(DateTime wall, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(unspecified) ? zone.BaseUtcOffset : zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset);
    }

    private IsoDuration Duration(ToolArguments arguments)
    {
        var text = arguments.OptionalString("duration")
            ?? throw new ToolParameterException(Name, "duration", "required", null, "is required for the operation 'add' (an ISO 8601 duration such as P1D or PT2H30M)");
        return IsoDuration.TryParse(text) ?? throw arguments.Invalid("duration", "format", "is not an ISO 8601 duration; write e.g. P1D, PT2H30M, P1Y2M or -P1W");
    }

    private JsonObject Describe(ToolArguments arguments, DateTimeOffset time, TimeZoneInfo zone)
    {
        var format = arguments.String("format");
        string value;
        try
        {
            value = format switch
            {
                "iso" => time.ToString(IsoPattern, CultureInfo.InvariantCulture),
                "unix" => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                "unix-ms" => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                "rfc1123" => time.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture),
                _ => time.ToString(format, CultureInfo.InvariantCulture),
            };
        }
        catch (FormatException ex)
        {
            throw arguments.Invalid("format", "format", "is not a valid date-time pattern; use iso, unix, unix-ms, rfc1123 or a pattern such as yyyy-MM-dd HH:mm", inner: ex);
        }
        return new JsonObject
        {
            ["value"] = value,
            ["iso"] = time.ToString(IsoPattern, CultureInfo.InvariantCulture),
            ["unix"] = time.ToUnixTimeSeconds(),
            ["timeZone"] = zone.Id,
        };
    }

    private static JsonObject Difference(DateTimeOffset from, DateTimeOffset to)
    {
        var span = to - from;
        return new JsonObject
        {
            ["milliseconds"] = span.TotalMilliseconds,
            ["seconds"] = span.TotalSeconds,
            ["minutes"] = span.TotalMinutes,
            ["hours"] = span.TotalHours,
            ["days"] = span.TotalDays,
            ["duration"] = IsoDuration.Format(span),
        };
    }

    [GeneratedRegex(@"^-?\d{9,}(\.\d+)?$")]
    private static partial Regex UnixPattern();

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetPattern();
}
