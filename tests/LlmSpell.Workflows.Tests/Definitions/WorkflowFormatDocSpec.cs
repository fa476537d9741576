using System.Text.RegularExpressions;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Definitions;

/// <summary>Every complete example in docs/workflow-format.md parses, so the format doc cannot drift from the parser.</summary>
public sealed partial class WorkflowFormatDocSpec
{
    [GeneratedRegex(@"^```(json|yaml)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    private static readonly string Doc = File.ReadAllText(Path.Combine(Fuzz.DefinitionFuzzer.RepositoryRoot(), "docs", "workflow-format.md"));

    private static List<(int Number, string Format, string Text)> Blocks() =>
        ExampleBlock().Matches(Doc).Select((m, i) => (i + 1, m.Groups[1].Value, m.Groups[2].Value)).ToList();

    private static WorkflowDefinition ParseBlock(string format, string text, string? source = null) =>
        format == "json" ? WorkflowParser.ParseJson(text, source) : WorkflowParser.ParseYaml(text, source);

    public static TheoryData<int, string, string> Examples()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var (number, format, text) in Blocks()) data.Add(number, format, text);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_example_parses(int number, string format, string text)
    {
        FluentActions.Invoking(() => ParseBlock(format, text, $"example {number}")).Should().NotThrow();
    }

    [Fact]
    public void The_doc_has_an_example_of_every_pattern()
    {
        var types = Blocks().Select(b => ParseBlock(b.Format, b.Text)).SelectMany(Flatten).Select(w => w.Type).Distinct();
        types.Should().BeEquivalentTo(Enum.GetValues<WorkflowType>());
    }

    [Fact]
    public void The_yaml_and_json_sequential_examples_are_the_same_workflow()
    {
        var blocks = Blocks();
        var json = WorkflowParser.ParseJson(blocks.First(b => b.Format == "json" && b.Text.Contains("\"name\": \"data-pipeline\"")).Text);
        var yaml = WorkflowParser.ParseYaml(blocks.First(b => b.Format == "yaml" && b.Text.Contains("name: data-pipeline")).Text);

        yaml.Steps.Select(s => (s.Name, s.Kind, s.Timeout, s.Retry, s.ErrorStrategy))
            .Should().Equal(json.Steps.Select(s => (s.Name, s.Kind, s.Timeout, s.Retry, s.ErrorStrategy)));
        yaml.Steps[1].Agent!.Input.Should().Be(json.Steps[1].Agent!.Input + "\n", "a YAML block scalar ends with a newline");
        (yaml.Steps[1].Agent! with { Input = null }).Should().Be(json.Steps[1].Agent! with { Input = null });
        yaml.Config.Should().Be(json.Config);
    }

    private static IEnumerable<WorkflowDefinition> Flatten(WorkflowDefinition workflow) =>
        new[] { workflow }
            .Concat(workflow.OwnSteps.Where(s => s.Workflow?.Inline is not null).SelectMany(s => Flatten(s.Workflow!.Inline!)))
            .Concat(workflow.Workflows.Values.SelectMany(Flatten));
}
