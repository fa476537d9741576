using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Text;

namespace LlmSpell.Tools.Tests.BuiltIn.Text;

public sealed class TextTemplateSpec : IDisposable
{
    private static readonly JsonNode Data = JsonNode.Parse("""{"user":{"name":"Ada","tags":["x","y"]},"n":42,"items":[{"title":"first"}],"none":null}""")!;
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("Hello {{user.name}}!", "Hello Ada!")]
    [InlineData("{{ user.name }} has {{n}}", "Ada has 42")]
    [InlineData("{{items[0].title}} / {{user.tags[1]}}", "first / y")]
    [InlineData("{{user.tags}}", "[\"x\",\"y\"]")]
    [InlineData("{{none}}", "null")]
    [InlineData("literal {{{{ and }} stay", "literal {{ and }} stay")]
    [InlineData("no placeholders", "no placeholders")]
    public void Renders_paths_into_the_text(string template, string expected) => TextTemplate.Render(template, Data).Should().Be(expected);

    [Theory]
    [InlineData("{{user.age}}", "'user' has no property 'age'; it has: name, tags")]
    [InlineData("{{items[3].title}}", "'items' has 1 item, so [3] is out of range")]
    [InlineData("{{n.x}}", "'n' is integer, not an object")]
    [InlineData("{{missing}}", "the data has no property 'missing'")]
    [InlineData("{{user..name}}", "empty name")]
    [InlineData("{{items[x]}}", "invalid index")]
    [InlineData("Hi {{user.name", "not closed")]
    public void Mistakes_are_explained(string template, string message)
    {
        var act = () => TextTemplate.Render(template, Data);
        act.Should().Throw<TextTemplateException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void Missing_values_can_render_empty_or_stay()
    {
        TextTemplate.Render("[{{nope}}]", Data, TextTemplate.MissingPolicy.Empty).Should().Be("[]");
        TextTemplate.Render("[{{nope}}]", Data, TextTemplate.MissingPolicy.Keep).Should().Be("[{{nope}}]");
    }

    [Fact]
    public async Task The_tool_renders_and_names_the_template_parameter_on_errors()
    {
        var tool = new TextTemplateTool();
        (await tool.Run("""{"template":"Hi {{who}}","data":{"who":"Bo"}}""", _workspace.Context))["text"]!.GetValue<string>().Should().Be("Hi Bo");
        var error = (await tool.Calling("""{"template":"Hi {{whom}}","data":{"who":"Bo"}}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which;
        error.ParameterPath.Should().Be("template");
        error.Position.Should().Be(3);
        error.Message.Should().Contain("no property 'whom'; it has: who");
        (await tool.Calling("""{"template":"x","data":[1]}""", _workspace.Context).Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("data");
    }
}
