using System.Text.Json.Nodes;
using LlmSpell.Templates.Parameters;

namespace LlmSpell.Templates.Tests.Parameters;

public sealed class TemplateParameterSchemaSpec
{
    private static readonly TemplateParameterSchema Schema = new(
    [
        new TemplateParameter { Name = "config", Type = TemplateParameterType.Object, Required = true, Description = "The config" },
        new TemplateParameter { Name = "mode", Type = TemplateParameterType.Enum, Default = "a", AllowedValues = ["a", "b"], Description = "Mode" },
        new TemplateParameter { Name = "count", Type = TemplateParameterType.Integer, Default = 10, Minimum = 1, Maximum = 100, Description = "Count" },
        new TemplateParameter { Name = "flag", Type = TemplateParameterType.Boolean, Default = true, Description = "Flag" },
        new TemplateParameter { Name = "name", Type = TemplateParameterType.String, Default = "x", Description = "Name" },
    ]);

    private static TemplateParameters Bind(params (string Key, JsonNode? Value)[] given) =>
        Schema.Bind("t", given.ToDictionary(g => g.Key, g => g.Value));

    private static TemplateParameterException Fails(params (string Key, JsonNode? Value)[] given)
    {
        var act = () => Bind(given);
        return act.Should().Throw<TemplateParameterException>().Which;
    }

    [Fact]
    public void Defaults_fill_in_what_is_not_given_and_given_ones_are_marked()
    {
        var p = Bind(("config", new JsonObject()));

        p.GetString("mode").Should().Be("a");
        p.GetInteger("count").Should().Be(10);
        p.GetBoolean("flag").Should().BeTrue();
        p.GetString("name").Should().Be("x");
        p.IsGiven("config").Should().BeTrue();
        p.IsGiven("mode").Should().BeFalse();
    }

    [Fact]
    public void Values_are_coerced_where_the_intent_is_plain()
    {
        var p = Bind(("config", JsonValue.Create("""{"a":1}""")), ("mode", "B"), ("count", "5"), ("flag", "false"), ("name", 42));

        p.GetObject("config")["a"]!.GetValue<int>().Should().Be(1);
        p.GetString("mode").Should().Be("b");
        p.GetInteger("count").Should().Be(5);
        p.GetBoolean("flag").Should().BeFalse();
        p.GetString("name").Should().Be("42");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Fails(("mode", "zz"), ("count", 0), ("flag", "maybe"), ("cuont", 1));

        ex.Problems.Should().BeEquivalentTo(
            "unknown parameter 'cuont' for template 't'; did you mean 'count'? (its parameters: config, mode, count, flag, name)",
            "missing required parameter 'config' (object): The config",
            "invalid mode 'zz'; use one of: a, b",
            "count must be from 1 to 100, got 0",
            "parameter 'flag' must be true or false, got the string 'maybe'");
        ex.Message.Should().StartWith("5 problems with the parameters of 't':");
    }

    [Fact]
    public void Null_counts_as_not_given()
    {
        var p = Bind(("config", new JsonObject()), ("count", null));

        p.GetInteger("count").Should().Be(10);
        p.IsGiven("count").Should().BeFalse();
    }

    [Fact]
    public void The_schema_json_has_types_defaults_constraints_and_allowed_values()
    {
        var count = Schema.Find("count")!.ToJson();
        var mode = Schema.Find("mode")!.ToJson();

        count.ToJsonString().Should().Be("""{"name":"count","type":"integer","required":false,"description":"Count","default":10,"constraints":{"min":1,"max":100}}""");
        mode["allowed_values"]!.ToJsonString().Should().Be("""["a","b"]""");
        mode["type"]!.GetValue<string>().Should().Be("enum");
    }
}
