using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.Tests.Schema;

public sealed class JsonSchemaSpec
{
    private static JsonSchema Compile(string json) => JsonSchema.Parse(JsonNode.Parse(json)!.AsObject());

    private static IReadOnlyList<SchemaViolation> Check(string schema, string value) => Compile(schema).Validate(JsonNode.Parse(value));

    [Theory]
    [InlineData("""{"type":"string"}""", "\"a\"")]
    [InlineData("""{"type":"number"}""", "1.5")]
    [InlineData("""{"type":"integer"}""", "3")]
    [InlineData("""{"type":"integer"}""", "3.0")]
    [InlineData("""{"type":"boolean"}""", "false")]
    [InlineData("""{"type":"null"}""", "null")]
    [InlineData("""{"type":"array"}""", "[]")]
    [InlineData("""{"type":"object"}""", "{}")]
    [InlineData("""{"type":["string","null"]}""", "null")]
    [InlineData("""{}""", "[1,{}]")]
    public void Values_of_the_declared_type_are_valid(string schema, string value) => Check(schema, value).Should().BeEmpty();

    [Theory]
    [InlineData("""{"type":"string"}""", "1", "must be a string, but is an integer (1)")]
    [InlineData("""{"type":"integer"}""", "1.5", "must be an integer, but is a number (1.5)")]
    [InlineData("""{"type":"object"}""", "[1]", "must be an object, but is an array ([1])")]
    [InlineData("""{"type":["string","null"]}""", "true", "must be a string or null, but is a boolean (true)")]
    public void Values_of_another_type_are_refused_with_both_types_named(string schema, string value, string message)
    {
        var violation = Check(schema, value).Should().ContainSingle().Subject;
        violation.Rule.Should().Be("type");
        violation.Message.Should().Be(message);
        violation.Path.Should().Be("$");
    }

    [Fact]
    public void Missing_required_properties_are_named_by_path()
    {
        var violations = Check("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"object","required":["c"]}},"required":["a"]}""", """{"b":{}}""");
        violations.Select(v => (v.Path, v.Rule)).Should().BeEquivalentTo(new[] { ("a", "required"), ("b.c", "required") });
    }

    [Fact]
    public void Unknown_properties_are_refused_when_additional_properties_is_false_listing_the_known_ones()
    {
        var violation = Check("""{"type":"object","properties":{"url":{},"method":{}},"additionalProperties":false}""", """{"uri":"x"}""").Should().ContainSingle().Subject;
        violation.Path.Should().Be("uri");
        violation.Rule.Should().Be("additionalProperties");
        violation.Message.Should().Contain("known: url, method");
    }

    [Fact]
    public void Additional_properties_may_have_a_schema_of_their_own()
    {
        var violation = Check("""{"type":"object","additionalProperties":{"type":"string"}}""", """{"a":"x","b":2}""").Should().ContainSingle().Subject;
        violation.Path.Should().Be("b");
        violation.Rule.Should().Be("type");
    }

    [Theory]
    [InlineData("""{"enum":["GET","POST"]}""", "\"PUT\"", "enum", "must be one of \"GET\", \"POST\", but is \"PUT\"")]
    [InlineData("""{"const":3}""", "4", "const", "must be 3, but is 4")]
    [InlineData("""{"minimum":1}""", "0", "minimum", "must be >= 1, but is 0")]
    [InlineData("""{"maximum":10}""", "10.5", "maximum", "must be <= 10, but is 10.5")]
    [InlineData("""{"exclusiveMinimum":0}""", "0", "exclusiveMinimum", "must be > 0, but is 0")]
    [InlineData("""{"exclusiveMaximum":1}""", "1", "exclusiveMaximum", "must be < 1, but is 1")]
    [InlineData("""{"minLength":2}""", "\"a\"", "minLength", "must be at least 2 characters long, but is 1")]
    [InlineData("""{"maxLength":1}""", "\"ab\"", "maxLength", "must be at most 1 character long, but is 2")]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"A1\"", "pattern", "must match the pattern ^[a-z]+$, but is \"A1\"")]
    [InlineData("""{"minItems":1}""", "[]", "minItems", "must have at least 1 item, but has 0")]
    [InlineData("""{"maxItems":1}""", "[1,2]", "maxItems", "must have at most 1 item, but has 2")]
    public void Each_rule_names_itself_and_the_value(string schema, string value, string rule, string message)
    {
        var violation = Check(schema, value).Should().ContainSingle().Subject;
        violation.Rule.Should().Be(rule);
        violation.Message.Should().Be(message);
        violation.Value!.ToJsonString().Should().Be(JsonNode.Parse(value)!.ToJsonString());
    }

    [Fact]
    public void Enum_compares_numbers_by_value()
    {
        Check("""{"enum":[1, 2]}""", "1.0").Should().BeEmpty();
    }

    [Fact]
    public void String_length_counts_code_points()
    {
        Check("""{"maxLength":1}""", "\"\uD83D\uDE00\"").Should().BeEmpty();
    }

    [Fact]
    public void Items_are_validated_with_their_index_in_the_path()
    {
        var violation = Check("""{"type":"array","items":{"type":"object","properties":{"n":{"type":"integer"}}}}""", """[{"n":1},{"n":"x"}]""")
            .Should().ContainSingle().Subject;
        violation.Path.Should().Be("$[1].n");
    }

    [Fact]
    public void Odd_property_names_are_quoted_in_paths()
    {
        var violation = Check("""{"type":"object","properties":{"a b":{"type":"string"}}}""", """{"a b":1}""").Should().ContainSingle().Subject;
        violation.Path.Should().Be("$['a b']");
    }

    [Fact]
    public void Defaults_fill_missing_properties_at_every_depth_without_touching_the_input()
    {
        var schema = Compile("""
            {"type":"object","properties":{
              "method":{"type":"string","default":"GET"},
              "given":{"type":"string","default":"no"},
              "opts":{"type":"object","properties":{"retries":{"type":"integer","default":3}}},
              "list":{"type":"array","items":{"type":"object","properties":{"on":{"type":"boolean","default":true}}}}}}
            """);
        var input = JsonNode.Parse("""{"given":"yes","opts":{},"list":[{},{"on":false}]}""")!;
        var filled = schema.ApplyDefaults(input)!;
        filled.ToJsonString().Should().Be("""{"given":"yes","opts":{"retries":3},"list":[{"on":true},{"on":false}],"method":"GET"}""");
        input.ToJsonString().Should().Be("""{"given":"yes","opts":{},"list":[{},{"on":false}]}""");
    }

    [Fact]
    public void A_missing_root_object_gets_its_defaults()
    {
        Compile("""{"type":"object","properties":{"a":{"default":1}}}""").ApplyDefaults(null)!.ToJsonString().Should().Be("""{"a":1}""");
    }

    [Theory]
    [InlineData("""{"oneOf":[]}""", "#", "'oneOf' is not supported")]
    [InlineData("""{"properties":{"a":{"$ref":"#/x"}}}""", "#/properties/a", "'$ref' is not supported")]
    [InlineData("""{"type":"text"}""", "#/type", "'text' is not a JSON type")]
    [InlineData("""{"minLength":-1}""", "#/minLength", "non-negative integer")]
    [InlineData("""{"pattern":"("}""", "#/pattern", "not a valid regular expression")]
    [InlineData("""{"type":"integer","default":"x"}""", "#/default", "not valid for its own schema")]
    public void Unsupported_or_malformed_schemas_are_refused_naming_where(string schema, string at, string message)
    {
        var act = () => Compile(schema);
        act.Should().Throw<JsonSchemaException>().Where(e => e.SchemaPath == at).WithMessage($"*{message}*");
    }

    [Fact]
    public void Annotations_are_accepted_and_ignored()
    {
        Check("""{"title":"t","description":"d","format":"uri","examples":["x"],"type":"string"}""", "\"not a uri\"").Should().BeEmpty();
    }
}
