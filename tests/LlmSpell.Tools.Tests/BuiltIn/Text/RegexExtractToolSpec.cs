using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Text;

namespace LlmSpell.Tools.Tests.BuiltIn.Text;

public sealed class RegexExtractToolSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private Task<JsonNode> Run(JsonObject parameters, ToolsOptions? options = null) =>
        new RegexExtractTool(options ?? ToolsOptions.Default).Run(parameters.ToJsonString(), _workspace.Context);

    [Fact]
    public async Task Returns_every_match_with_numbered_and_named_groups()
    {
        var result = await Run(new JsonObject { ["text"] = "due 2024-05-01, paid 2024-06-15", ["pattern"] = @"(?<year>\d{4})-(\d{2})-\d{2}" });
        result["count"]!.GetValue<int>().Should().Be(2);
        result["matches"]![1]!.ToJsonString().Should().Be("""{"value":"2024-06-15","index":21,"groups":{"1":"06","year":"2024"}}""");
    }

    [Fact]
    public async Task Flags_and_first_match_only()
    {
        var result = await Run(new JsonObject { ["text"] = "A1 a2", ["pattern"] = "a\\d", ["flags"] = "i", ["all"] = false });
        result["matches"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Should().Equal("A1");
        result["truncated"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task An_invalid_pattern_or_flag_names_the_parameter()
    {
        var act = () => Run(new JsonObject { ["text"] = "x", ["pattern"] = "(" });
        (await act.Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("pattern");
        var flags = () => Run(new JsonObject { ["text"] = "x", ["pattern"] = "x", ["flags"] = "g" });
        (await flags.Should().ThrowAsync<ToolParameterException>()).Which.Should().Match<ToolParameterException>(e => e.ParameterPath == "flags" && e.Rule == "pattern");
    }

    [Fact]
    public async Task A_catastrophic_pattern_stops_at_the_match_timeout()
    {
        var act = () => Run(new JsonObject { ["text"] = new string('a', 40) + "!", ["pattern"] = "^(a+)+$" }, ToolsOptions.Default.WithRegexTimeout(TimeSpan.FromMilliseconds(50)));
        (await act.Should().ThrowAsync<ToolExecutionException>()).WithMessage("*longer than 0.05 s*");
    }

    [Fact]
    public async Task The_number_of_matches_is_capped()
    {
        var result = await Run(new JsonObject { ["text"] = "aaaa", ["pattern"] = "a" }, ToolsOptions.Default.WithMaxResults(3));
        result["count"]!.GetValue<int>().Should().Be(3);
        result["truncated"]!.GetValue<bool>().Should().BeTrue();
    }
}
