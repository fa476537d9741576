using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Data;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.Tests.BuiltIn.Data;

public sealed class CsvToJsonToolSpec : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<string> Rows(JsonObject parameters) =>
        JsonValues.ToText((await new CsvToJsonTool().Run(parameters.ToJsonString(), _workspace.Context))["rows"]);

    [Fact]
    public async Task Rows_are_keyed_by_the_header()
    {
        (await Rows(new JsonObject { ["csv"] = "name,age\nAda,36\nAlan,41\n" })).Should().Be("""[{"name":"Ada","age":"36"},{"name":"Alan","age":"41"}]""");
    }

    [Fact]
    public async Task Quoted_fields_hold_delimiters_line_breaks_and_doubled_quotes()
    {
        var csv = "a,b\r\n\"x, y\",\"line1\nline2\"\r\n\"say \"\"hi\"\"\",\"\"\r\n";
        (await Rows(new JsonObject { ["csv"] = csv })).Should().Be("""[{"a":"x, y","b":"line1\nline2"},{"a":"say \"hi\"","b":""}]""");
    }

    [Fact]
    public async Task Other_delimiters_no_header_and_type_inference()
    {
        (await Rows(new JsonObject { ["csv"] = "1;2.5;true;;007;x", ["delimiter"] = ";", ["header"] = false, ["inferTypes"] = true }))
            .Should().Be("""[[1,2.5,true,null,"007","x"]]""");
        (await Rows(new JsonObject { ["csv"] = "a\tb\n1\t2", ["delimiter"] = "\t" })).Should().Be("""[{"a":"1","b":"2"}]""");
    }

    [Theory]
    [InlineData("a,b\n\"open,2\n", "line 2: a quoted field is not closed")]
    [InlineData("a,b\n\"x\"y,2\n", "line 2: unexpected 'y' after a closing quote")]
    [InlineData("a,b\n1,2,3\n", "line 2 has 3 fields, but the header has 2")]
    [InlineData("a,a\n1,2\n", "the column 'a' twice")]
    public async Task Malformed_csv_is_explained_with_the_line(string csv, string message)
    {
        var error = (await new CsvToJsonTool().Calling(new JsonObject { ["csv"] = csv }.ToJsonString(), _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("csv");
        error.Message.Should().Contain(message);
    }

    [Fact]
    public async Task A_delimiter_must_be_one_character()
    {
        (await new CsvToJsonTool().Calling("""{"csv":"a","delimiter":";;"}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>())
            .Which.Rule.Should().Be("maxLength");
    }

    [Fact]
    public async Task Columns_and_count_are_reported()
    {
        var result = await new CsvToJsonTool().Run("""{"csv":"x,y\n1,2"}""", _workspace.Context);
        result["columns"]!.ToJsonString().Should().Be("""["x","y"]""");
        result["count"]!.GetValue<int>().Should().Be(1);
    }
}
