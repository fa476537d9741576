using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Workflows.Tests.Durability;

public sealed class WorkflowJsonSpec
{
    private static StepDefinition Tool(string name) =>
        new() { Name = name, Kind = StepKind.Tool, Tool = new ToolStepSpec { ToolName = name, Parameters = new JsonObject { ["q"] = "{{input.q}}" } } };

    private static WorkflowDefinition Everything => new()
    {
        Name = "everything",
        Description = "every shape",
        Type = WorkflowType.Sequential,
        Config = WorkflowConfig.Default with { Timeout = TimeSpan.FromSeconds(42), ErrorStrategy = ErrorStrategy.Retry, Retry = RetryPolicy.DefaultRetry with { InitialBackoff = TimeSpan.FromMilliseconds(5) } },
        Steps =
        [
            Tool("fetch") with { Timeout = TimeSpan.FromSeconds(3), Retry = new RetryPolicy { MaxAttempts = 4 }, ErrorStrategy = ErrorStrategy.Continue },
            new() { Name = "think", Kind = StepKind.Agent, Agent = new AgentStepSpec { Model = "ollama/llama3.2:3b", Input = "{{steps.fetch.output}}", Temperature = 0.2, MaxTokens = 10, IncludeStepOutputs = true } },
            new() { Name = "approve", Kind = StepKind.Wait, Wait = new WaitStepSpec { Signal = "ok", Timeout = TimeSpan.FromMinutes(5), Default = new JsonObject { ["by"] = "nobody" } } },
            new()
            {
                Name = "route", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec
                {
                    Input = JsonValue.Create("{{steps.think.output}}"),
                    Inline = new WorkflowDefinition
                    {
                        Name = "router",
                        Type = WorkflowType.Conditional,
                        Branches =
                        [
                            new() { Name = "big", Condition = new AndCondition([new CompareCondition(CompareOperator.GreaterThan, DataPath.Parse("input.size"), JsonValue.Create(3)), new NotCondition(new ExistsCondition(DataPath.Parse("input.skip")))]), Steps = [Tool("b")] },
                            new() { Name = "kind", Condition = new ClassifyCondition { Label = "urgent", Model = "m" }, Steps = [Tool("k")], Required = false, Timeout = TimeSpan.FromSeconds(9) },
                            new() { Name = "any", Condition = new OrCondition([AlwaysCondition.Instance, NeverCondition.Instance]), Steps = [Tool("a")] },
                            new() { Name = "else", IsDefault = true, Steps = [Tool("e")] },
                        ],
                    },
                },
            },
            new() { Name = "named", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec { Name = "each" } },
        ],
        Workflows = new Dictionary<string, WorkflowDefinition>
        {
            ["each"] = new()
            {
                Name = "each",
                Type = WorkflowType.Loop,
                Loop = new LoopSpec { Iterator = new ForEachIterator { Source = DataPath.Parse("steps.fetch.output.items") }, BreakWhen = new CompareCondition(CompareOperator.Matches, DataPath.Parse("loop.item"), JsonValue.Create("^x")), MaxIterations = 7, Aggregation = LoopAggregation.LastN, AggregationCount = 2 },
                Steps = [Tool("body")],
            },
            ["count"] = new() { Name = "count", Type = WorkflowType.Loop, Loop = new LoopSpec { Iterator = new RangeIterator(0, 10, 2) }, Steps = [Tool("c")] },
            ["until"] = new() { Name = "until", Type = WorkflowType.Loop, Loop = new LoopSpec { Iterator = new WhileIterator(new CompareCondition(CompareOperator.LessThan, DataPath.Parse("loop.index"), JsonValue.Create(3))) }, Steps = [Tool("w")] },
            ["fan"] = new() { Name = "fan", Type = WorkflowType.Parallel, Branches = [new() { Name = "x", Steps = [Tool("x")] }], Config = WorkflowConfig.Default with { MaxConcurrency = 2, FailFast = false } },
        },
    };

    [Fact]
    public void A_definition_survives_the_round_trip_through_its_stored_json()
    {
        var json = WorkflowJson.SerializeDefinition(Everything);
        var back = WorkflowJson.DeserializeDefinition(JsonNode.Parse(json.ToJsonString())!);

        WorkflowJson.SerializeDefinition(back).ToJsonString().Should().Be(json.ToJsonString());
        back.Steps[3].Workflow!.Inline!.Branches[0].Condition!.Describe().Should().Be(Everything.Steps[3].Workflow!.Inline!.Branches[0].Condition!.Describe());
        back.Workflows["each"].Loop!.Iterator.Should().BeOfType<ForEachIterator>().Which.Source!.Text.Should().Be("steps.fetch.output.items");
        back.Workflows["count"].Loop!.Iterator.Should().Be(new RangeIterator(0, 10, 2));
        back.Config.Timeout.Should().Be(TimeSpan.FromSeconds(42));
        back.Steps[2].Wait!.Default!["by"]!.ToString().Should().Be("nobody");
        WorkflowValidator.Validate(back).Should().BeEmpty();
        json["definition"]!["steps"]![0]!["kind"]!.ToString().Should().Be("Tool", "enums are stored by name");
        json["definition"]!.AsObject().ContainsKey("ownSteps").Should().BeFalse("computed properties are not stored");
    }

    [Fact]
    public void A_stored_definition_of_another_version_is_refused()
    {
        var json = WorkflowJson.SerializeDefinition(Everything);
        json["version"] = 2;
        var read = () => WorkflowJson.DeserializeDefinition(json);
        read.Should().Throw<JsonException>().WithMessage("*version 2*");
    }
}
