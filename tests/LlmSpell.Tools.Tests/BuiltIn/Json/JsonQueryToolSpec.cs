using LlmSpell.Tools.BuiltIn.Json;

namespace LlmSpell.Tools.Tests.BuiltIn.Json;

public sealed class JsonQueryToolSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Returns_the_matches_their_count_and_the_first()
    {
        var result = await new JsonQueryTool(ToolsOptions.Default).Run("""{"data":{"items":[{"id":1},{"id":2}]},"query":"$.items[*].id"}""", _workspace.Context);
        result.ToJsonString().Should().Be("""{"matches":[1,2],"count":2,"first":1,"truncated":false}""");
    }

    [Fact]
    public async Task Parses_json_text_when_asked()
    {
        var result = await new JsonQueryTool(ToolsOptions.Default).Run("""{"data":"{\"a\":{\"b\":true}}","query":"$.a.b","parse":true}""", _workspace.Context);
        result["first"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Caps_the_number_of_matches()
    {
        var result = await new JsonQueryTool(ToolsOptions.Default.WithMaxResults(2)).Run("""{"data":[1,2,3],"query":"$[*]"}""", _workspace.Context);
        result["matches"]!.AsArray().Should().HaveCount(2);
        result["count"]!.GetValue<int>().Should().Be(3);
        result["truncated"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_malformed_query_is_a_parameter_error_with_the_position()
    {
        var error = (await new JsonQueryTool(ToolsOptions.Default).Calling("""{"data":{},"query":"$.a[?(@.x ==)]"}""", _workspace.Context)
            .Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("query");
        error.Rule.Should().Be("syntax");
        error.Position.Should().Be(12);
    }

    [Fact]
    public async Task Data_is_required()
    {
        (await new JsonQueryTool(ToolsOptions.Default).Calling("""{"query":"$"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>())
            .Which.ParameterPath.Should().Be("data");
    }
}
