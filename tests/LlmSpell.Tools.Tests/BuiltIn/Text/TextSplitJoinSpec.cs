using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Text;

namespace LlmSpell.Tools.Tests.BuiltIn.Text;

public sealed class TextSplitJoinSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<string> Split(JsonObject parameters) =>
        (await new TextSplitTool(ToolsOptions.Default).Run(parameters.ToJsonString(), _workspace.Context))["parts"]!.ToJsonString();

    [Fact]
    public async Task Splits_lines_by_default_including_windows_line_ends()
    {
        (await Split(new JsonObject { ["text"] = "a\r\nb\nc" })).Should().Be("""["a","b","c"]""");
    }

    [Fact]
    public async Task Splits_on_a_separator_with_trim_remove_empty_and_limit()
    {
        (await Split(new JsonObject { ["text"] = " a , ,b ", ["separator"] = ",", ["trim"] = true, ["removeEmpty"] = true })).Should().Be("""["a","b"]""");
        (await Split(new JsonObject { ["text"] = "a,b,c", ["separator"] = ",", ["limit"] = 2 })).Should().Be("""["a","b,c"]""");
    }

    [Fact]
    public async Task Splits_on_a_regular_expression()
    {
        (await Split(new JsonObject { ["text"] = "a1b22C", ["separator"] = "\\d+|c", ["regex"] = true, ["flags"] = "i" })).Should().Be("""["a","b","",""]""");
        var act = () => Split(new JsonObject { ["text"] = "x", ["separator"] = "[", ["regex"] = true });
        (await act.Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("separator");
    }

    [Fact]
    public async Task Joins_strings_numbers_and_booleans_and_skips_nulls()
    {
        var result = await new TextJoinTool().Run("""{"parts":["a",1,2.5,true,null],"separator":"-"}""", _workspace.Context);
        result["text"]!.GetValue<string>().Should().Be("a-1-2.5-true");
        (await new TextJoinTool().Run("""{"parts":["a",null,"b"],"separator":",","skipNulls":false}""", _workspace.Context))["text"]!.GetValue<string>().Should().Be("a,,b");
    }

    [Fact]
    public async Task Joining_objects_is_a_schema_violation_naming_the_item()
    {
        var error = (await new TextJoinTool().Calling("""{"parts":["a",{"b":1}]}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("parts[1]");
        error.Rule.Should().Be("type");
    }
}
