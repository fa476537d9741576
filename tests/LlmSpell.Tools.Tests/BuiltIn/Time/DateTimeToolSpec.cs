using LlmSpell.Tools.BuiltIn.Time;

namespace LlmSpell.Tools.Tests.BuiltIn.Time;

public sealed class DateTimeToolSpec : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 3, 9, 15, 30, 0, TimeSpan.Zero);
    private readonly TempWorkspace _workspace = new();
    private readonly DateTimeTool _tool = new(ToolsOptions.Default.WithTimeProvider(new FixedClock(Now)));

    public void Dispose() => _workspace.Dispose();

    private Task<System.Text.Json.Nodes.JsonNode> Run(string json) => _tool.Run(json, _workspace.Context);

    [Fact]
    public async Task Now_is_given_in_the_requested_time_zone()
    {
        (await Run("{}"))["value"]!.GetValue<string>().Should().Be("2024-03-09T15:30:00+00:00");
        var paris = await Run("""{"timeZone":"Europe/Paris"}""");
        paris["value"]!.GetValue<string>().Should().Be("2024-03-09T16:30:00+01:00");
        paris["unix"]!.GetValue<long>().Should().Be(Now.ToUnixTimeSeconds());
        paris["timeZone"]!.GetValue<string>().Should().Be("Europe/Paris");
    }

    [Theory]
    [InlineData("yyyy-MM-dd HH:mm", "2024-03-09 15:30")]
    [InlineData("unix", "1709998200")]
    [InlineData("unix-ms", "1709998200000")]
    [InlineData("rfc1123", "Sat, 09 Mar 2024 15:30:00 GMT")]
    public async Task Formats_a_value(string format, string expected)
    {
        var result = await Run($$"""{"operation":"format","value":"2024-03-09T15:30:00Z","format":"{{format}}"}""");
        result["value"]!.GetValue<string>().Should().Be(expected);
    }

    [Fact]
    public async Task Parses_local_times_in_the_zone_exact_formats_and_unix_seconds()
    {
        (await Run("""{"operation":"parse","value":"2024-07-01 09:00","timeZone":"America/New_York"}"""))["iso"]!.GetValue<string>()
            .Should().Be("2024-07-01T09:00:00-04:00");
        (await Run("""{"operation":"parse","value":"01/07/2024 09.15","inputFormat":"dd/MM/yyyy HH.mm"}"""))["iso"]!.GetValue<string>()
            .Should().Be("2024-07-01T09:15:00+00:00");
        (await Run("""{"operation":"parse","value":"1709998200"}"""))["iso"]!.GetValue<string>().Should().Be("2024-03-09T15:30:00+00:00");
    }

    [Fact]
    public async Task Adds_durations_on_the_wall_clock_across_a_dst_change()
    {
        // 2024-03-10 is the US spring-forward day: one calendar day later is still 09:00 local, 23 hours on.
        var result = await Run("""{"operation":"add","value":"2024-03-09T09:00:00-05:00","duration":"P1D","timeZone":"America/New_York"}""");
        result["iso"]!.GetValue<string>().Should().Be("2024-03-10T09:00:00-04:00");
        (await Run("""{"operation":"add","value":"2024-01-31T00:00:00Z","duration":"P1M"}"""))["iso"]!.GetValue<string>().Should().Be("2024-02-29T00:00:00+00:00");
        (await Run("""{"operation":"add","value":"2024-01-01T00:00:00Z","duration":"-PT1H30M"}"""))["iso"]!.GetValue<string>().Should().Be("2023-12-31T22:30:00+00:00");
        (await Run("""{"operation":"add","duration":"PT1M"}"""))["iso"]!.GetValue<string>().Should().Be("2024-03-09T15:31:00+00:00");
    }

    [Fact]
    public async Task Measures_differences()
    {
        var result = await Run("""{"operation":"diff","value":"2024-01-01T00:00:00Z","other":"2024-01-02T06:30:00+00:00"}""");
        result["hours"]!.GetValue<double>().Should().Be(30.5);
        result["duration"]!.GetValue<string>().Should().Be("P1DT6H30M");
        (await Run("""{"operation":"diff","value":"2024-01-01T00:00:01Z","other":"2024-01-01T00:00:00Z"}"""))["duration"]!.GetValue<string>().Should().Be("-PT1S");
    }

    [Theory]
    [InlineData("""{"timeZone":"Mars/Olympus"}""", "timeZone", "not a known time zone")]
    [InlineData("""{"operation":"format"}""", "value", "required for the operation 'format'")]
    [InlineData("""{"operation":"parse","value":"yesterday-ish"}""", "value", "not a date-time")]
    [InlineData("""{"operation":"add","value":"2024-01-01T00:00:00Z","duration":"1 day"}""", "duration", "not an ISO 8601 duration")]
    [InlineData("""{"operation":"diff","value":"2024-01-01T00:00:00Z"}""", "other", "required")]
    [InlineData("""{"operation":"travel"}""", "operation", "must be one of")]
    public async Task Mistakes_name_the_parameter(string json, string parameter, string message)
    {
        var error = (await _tool.Calling(json, _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be(parameter);
        error.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("P1Y2M3W4DT5H6M7.5S", 1, 2, 25, 5 * 3600 + 6 * 60 + 7.5)]
    [InlineData("-P1D", 0, 0, -1, 0)]
    [InlineData("PT0.25S", 0, 0, 0, 0.25)]
    public void Iso_durations_parse_into_calendar_and_exact_parts(string text, int years, int months, int days, double seconds)
    {
        var duration = IsoDuration.TryParse(text)!;
        duration.Should().Be(new IsoDuration(years, months, days, TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("1D")]
    [InlineData("P1H")]
    public void Non_durations_are_rejected(string text) => IsoDuration.TryParse(text).Should().BeNull();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
