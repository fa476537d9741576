using System.Text.Json.Nodes;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Data;

public sealed class TemplateSpec
{
    private static readonly RunScope Scope = RunScope.Empty
        .WithOutput("fetch", JsonNode.Parse("""{"items":[{"id":7,"title":"seven"}],"count":1}"""))
        .WithOutput("summary", JsonValue.Create("short text"))
        .WithState("total", JsonValue.Create(42)) with
    {
        Input = JsonNode.Parse("""{"user":{"name":"Ada"},"tags":["a","b"]}"""),
        LoopItem = JsonValue.Create("x"),
        LoopIndex = 3,
        BranchName = "left",
    };

    [Fact]
    public void Text_templates_render_strings_as_themselves_and_json_compactly()
    {
        Template.Render("Hello {{input.user.name}}: {{ steps.summary.output }} / {{input.tags}} / {{state.total}}", Scope)
            .Should().Be("Hello Ada: short text / [\"a\",\"b\"] / 42");
    }

    [Fact]
    public void Paths_reach_into_structured_output_with_indexes()
    {
        Template.Render("{{steps.fetch.output.items[0].title}} #{{steps.fetch.output.items[0].id}}", Scope).Should().Be("seven #7");
    }

    [Fact]
    public void Loop_and_branch_references_resolve_inside_their_scopes()
    {
        Template.Render("{{loop.index}}:{{loop.item}}@{{branch.name}}", Scope).Should().Be("3:x@left");
    }

    [Fact]
    public void A_json_parameter_that_is_exactly_one_reference_becomes_the_value()
    {
        var rendered = Template.Render(JsonNode.Parse("""{"items":"{{steps.fetch.output.items}}","label":"n={{state.total}}"}"""), Scope)!;
        rendered["items"].Should().BeOfType<JsonArray>();
        rendered["items"]![0]!["id"]!.GetValue<int>().Should().Be(7);
        rendered["label"]!.GetValue<string>().Should().Be("n=42");
    }

    [Fact]
    public void A_missing_step_output_fails_naming_the_reference()
    {
        var act = () => Template.Render("{{steps.unknown.output}}", Scope);
        act.Should().Throw<TemplateReferenceException>().WithMessage("*{{steps.unknown.output}}*step 'unknown'*");
    }

    [Fact]
    public void A_missing_property_fails_listing_the_properties_there_are()
    {
        var act = () => Template.Render("{{steps.fetch.output.nope}}", Scope);
        act.Should().Throw<TemplateReferenceException>().WithMessage("*no property 'nope'*items, count*");
    }

    [Fact]
    public void A_path_into_text_output_says_the_output_is_text()
    {
        var act = () => Template.Render("{{steps.summary.output.field}}", Scope);
        act.Should().Throw<TemplateReferenceException>().WithMessage("*string (the output is text, not JSON)*");
    }

    [Theory]
    [InlineData("foo.bar", "starts with 'foo'")]
    [InlineData("steps.a", "steps.NAME.output")]
    [InlineData("input..x", "empty name")]
    [InlineData("input.items[x]", "invalid index")]
    public void Malformed_references_are_explained(string reference, string expected)
    {
        DataPath.TryParse(reference, out _, out var error).Should().BeFalse();
        error.Should().Contain(expected);
    }

    [Fact]
    public void Resolved_values_are_copies_so_outputs_cannot_be_changed_through_them()
    {
        var items = (JsonArray)Template.Render(JsonNode.Parse("\"{{steps.fetch.output.items}}\""), Scope)!;
        items.Clear();
        Template.Render("{{steps.fetch.output.count}}", Scope).Should().Be("1");
        Scope.Resolve(DataPath.Parse("steps.fetch.output.items"))!.AsArray().Should().HaveCount(1);
    }

    [Fact]
    public void Agent_text_that_is_json_becomes_structured_output()
    {
        Template.OutputFromText(" {\"score\": 0.9} ")!["score"]!.GetValue<double>().Should().Be(0.9);
        Template.OutputFromText("plain words")!.GetValue<string>().Should().Be("plain words");
        Template.OutputFromText("{not json")!.GetValue<string>().Should().Be("{not json");
    }

    // The pattern the scanner replaced: its spans are the reference for what a reference is.
    private static readonly System.Text.RegularExpressions.Regex OldPattern = new(@"\{\{\s*(.*?)\s*\}\}");

    [Fact]
    public void References_are_found_exactly_where_the_old_pattern_found_them()
    {
        var random = new Random(21);
        var pieces = new[] { "{", "}", "{{", "}}", " ", "\n", "a", "input.x", "\t", "\r" };
        for (var i = 0; i < 5_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = OldPattern.Matches(text).Select(m => (m.Index, m.Length, m.Groups[1].Value)).ToArray();
            var found = new List<(int, int, string)>();
            for (var at = 0; TemplateScanner.Next(text, at) is { } span; at = span.End)
                found.Add((span.Start, span.End - span.Start, span.Reference(text)));
            found.Should().Equal(expected, "in {0}", System.Text.Json.JsonSerializer.Serialize(text));
            Template.HasReferences(text).Should().Be(expected.Length > 0);
        }
    }

    [Fact]
    public void Text_full_of_braces_is_scanned_without_backtracking_and_renders_as_itself()
    {
        // Quadratic scanning took 34 s on 40 KB of '{'; this is 1 MB.
        var braces = new string('{', 1 << 20);
        Template.Render(braces, Scope).Should().Be(braces);
        Template.References(braces).Should().BeEmpty();
        var unclosed = string.Concat(Enumerable.Repeat("{{ x\n", 1 << 17)) + "}}";
        Template.References(unclosed).Should().HaveCount(1);
    }

    [Fact]
    public void A_long_template_renders_every_reference()
    {
        var template = string.Concat(Enumerable.Repeat("{{input.user.name}} and {{ state.total }}; ", 20_000));
        Template.Render(template, Scope).Should().Be(string.Concat(Enumerable.Repeat("Ada and 42; ", 20_000)));
    }
}
