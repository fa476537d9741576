using LlmSpell.Tools.BuiltIn.Ids;

namespace LlmSpell.Tools.Tests.BuiltIn.Ids;

public sealed class UuidToolSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Version_4_uuids_are_random_and_distinct()
    {
        var result = await new UuidTool(ToolsOptions.Default).Run("""{"count":3}""", _workspace.Context);
        var ids = result["uuids"]!.AsArray().Select(n => Guid.Parse(n!.GetValue<string>())).ToArray();
        ids.Should().OnlyHaveUniqueItems().And.HaveCount(3);
        ids.Should().OnlyContain(g => g.Version == 4);
        result["uuid"]!.GetValue<string>().Should().Be(ids[0].ToString());
    }

    [Fact]
    public async Task Version_7_uuids_carry_the_clocks_time()
    {
        var now = new DateTimeOffset(2024, 3, 9, 15, 30, 0, 123, TimeSpan.Zero);
        var result = await new UuidTool(ToolsOptions.Default.WithTimeProvider(new FixedClock(now))).Run("""{"version":7,"count":2,"uppercase":true}""", _workspace.Context);
        var text = result["uuid"]!.GetValue<string>();
        text.Should().Be(text.ToUpperInvariant());
        Guid.Parse(text).Version.Should().Be(7);
        // The first 48 bits of a v7 UUID are the Unix time in milliseconds.
        Convert.ToInt64(text.Replace("-", "")[..12], 16).Should().Be(now.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Unsupported_versions_and_counts_are_refused()
    {
        (await new UuidTool(ToolsOptions.Default).Calling("""{"version":1}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which.Rule.Should().Be("enum");
        (await new UuidTool(ToolsOptions.Default).Calling("""{"count":0}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which.Rule.Should().Be("minimum");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
