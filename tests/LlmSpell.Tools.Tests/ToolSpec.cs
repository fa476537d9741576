using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Tools.Tests;

public sealed class ToolSpec
{
    private static readonly ToolContext Context = new("run", "step", Path.GetTempPath(), NullLogger.Instance);

    private static DelegateTool Greeter(Func<ToolArguments, JsonNode?>? body = null, string output = """{"type":"string"}""") => new(
        "greet",
        "Greets someone.",
        JsonNode.Parse("""
            {"type":"object","properties":{
              "name":{"type":"string","minLength":1},
              "greeting":{"type":"string","default":"Hello"}},
             "required":["name"],"additionalProperties":false}
            """)!.AsObject(),
        (args, _, _) => Task.FromResult(body is null ? JsonValue.Create($"{args.String("greeting")}, {args.String("name")}!") : body(args)),
        JsonNode.Parse(output)!.AsObject());

    [Fact]
    public async Task Parameters_get_their_defaults_before_the_call()
    {
        var result = await Greeter().InvokeAsync(new JsonObject { ["name"] = "Ada" }, Context, CancellationToken.None);
        result!.GetValue<string>().Should().Be("Hello, Ada!");
    }

    [Fact]
    public async Task Invalid_parameters_never_reach_the_tool_and_the_error_names_parameter_rule_and_value()
    {
        var called = false;
        var tool = Greeter(_ => { called = true; return null; });
        var act = () => tool.InvokeAsync(new JsonObject { ["name"] = 42 }, Context, CancellationToken.None);
        var error = (await act.Should().ThrowAsync<ToolParameterException>()).Which;
        error.ToolName.Should().Be("greet");
        error.ParameterPath.Should().Be("name");
        error.Rule.Should().Be("type");
        error.Value!.ToJsonString().Should().Be("42");
        error.Message.Should().Contain("Tool 'greet': parameter 'name' must be a string, but is an integer (42) (rule: type)");
        called.Should().BeFalse();
    }

    [Fact]
    public async Task Every_violation_is_reported_not_only_the_first()
    {
        var act = () => Greeter().InvokeAsync(new JsonObject { ["extra"] = 1 }, Context, CancellationToken.None);
        var error = (await act.Should().ThrowAsync<ToolParameterException>()).Which;
        error.Violations.Select(v => v.Path).Should().BeEquivalentTo("name", "extra");
        error.Message.Should().Contain("'name' is required").And.Contain("'extra' is not a known parameter");
    }

    [Fact]
    public async Task A_result_that_breaks_the_output_schema_is_a_tool_bug()
    {
        var act = () => Greeter(_ => JsonValue.Create(5)).InvokeAsync(new JsonObject { ["name"] = "Ada" }, Context, CancellationToken.None);
        (await act.Should().ThrowAsync<ToolExecutionException>()).WithMessage("*greet*output schema*must be a string*");
    }

    [Fact]
    public async Task The_invoker_validates_tools_that_implement_the_interface_directly()
    {
        var tool = new BareTool();
        var act = () => ToolInvoker.InvokeAsync(tool, new JsonObject(), Context, CancellationToken.None);
        (await act.Should().ThrowAsync<ToolParameterException>()).Which.ParameterPath.Should().Be("n");
        tool.Calls.Should().Be(0);

        var result = await ToolInvoker.InvokeAsync(tool, new JsonObject { ["n"] = 2 }, Context, CancellationToken.None);
        result!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public void Schemas_handed_out_are_copies()
    {
        var tool = Greeter();
        tool.ParametersSchema["properties"]!.AsObject().Remove("name");
        tool.ParametersSchema["properties"]!.AsObject().ContainsKey("name").Should().BeTrue();
    }

    [Theory]
    [InlineData("9lives", "Does things.")]
    [InlineData("has space", "Does things.")]
    [InlineData("ok", "")]
    [InlineData("ok", "two\nlines")]
    public void Names_and_descriptions_are_checked(string name, string description)
    {
        var act = () => new DelegateTool(name, description, new JsonObject { ["type"] = "object" }, (_, _, _) => Task.FromResult<JsonNode?>(null));
        act.Should().Throw<ToolRegistrationException>();
    }

    [Fact]
    public void A_parameter_schema_that_is_not_an_object_schema_is_refused()
    {
        var act = () => new DelegateTool("t", "T.", new JsonObject { ["type"] = "string" }, (_, _, _) => Task.FromResult<JsonNode?>(null));
        act.Should().Throw<ToolRegistrationException>().WithMessage("*must describe an object*");
    }

    private sealed class BareTool : ITool
    {
        public int Calls { get; private set; }
        public string Name => "square";
        public string Description => "Squares n.";
        public JsonObject ParametersSchema => JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"number"}},"required":["n"]}""")!.AsObject();

        public Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken)
        {
            Calls++;
            var n = parameters["n"]!.GetValue<int>();
            return Task.FromResult<JsonNode?>(n * n);
        }
    }
}
