using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class NestedWorkflowSpec : EngineSpec
{
    [Fact]
    public async Task Outputs_flow_out_of_a_sequence_containing_a_parallel_containing_a_loop()
    {
        Tools.Returns("prep", _ => JsonNode.Parse("""{"factor":10}"""))
            .Returns("scale", p => JsonValue.Create(p["v"]!.GetValue<long>() * p["f"]!.GetValue<long>()))
            .Returns("tag", _ => JsonValue.Create("tagged"))
            .Echo("report");
        var wf = Sequential("outer",
            Tool("prep"),
            Nested("fan", Parallel("fan",
                Branch("left", Nested("scaled", Loop("scaled", Range(1, 4),
                    Tool("scale", parameters: """{"v":"{{loop.item}}","f":"{{steps.prep.output.factor}}"}""")))),
                Branch("right", Tool("tag")))),
            Tool("report", parameters: """{"last":"{{steps.scale.output}}","loop":"{{steps.scaled.output}}","fan":"{{steps.fan.output}}","tag":"{{steps.tag.output}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var report = result.Output!;
        report["last"]!.GetValue<long>().Should().Be(30, "the innermost step's last output is visible to the outer sequence");
        report["loop"]!.ToJsonString().Should().Be("[10,20,30]");
        report["fan"]!["left"]!.ToJsonString().Should().Be("[10,20,30]");
        report["fan"]!["right"]!.GetValue<string>().Should().Be("tagged");
        report["tag"]!.GetValue<string>().Should().Be("tagged");
        result.Steps.Where(s => s.Name == "scale").Select(s => s.Key)
            .Should().Equal("fan/left/scaled/[0]/scale", "fan/left/scaled/[1]/scale", "fan/left/scaled/[2]/scale");
        result.Steps.Select(s => s.Name).Should().Contain(["prep", "scale", "scaled", "tag", "fan", "report"]);
    }

    [Fact]
    public async Task Nested_parallel_outputs_are_whole_at_every_level_and_in_each_step_s_result()
    {
        Tools.Returns("x", _ => JsonNode.Parse("""{"v":1}""")).Returns("y", _ => JsonValue.Create("y")).Echo("report");
        var inner = Nested("inner", Parallel("inner", Branch("bx", Tool("x")), Branch("by", Tool("y"))));
        var mid = Nested("mid", Parallel("mid", Branch("b", inner)));
        var wf = Sequential("outer",
            Nested("top", Parallel("top", Branch("a", mid))),
            Tool("report", parameters: """{"top":"{{steps.top.output}}","mid":"{{steps.mid.output}}","inner":"{{steps.inner.output}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        const string innerJson = """{"bx":{"v":1},"by":"y"}""";
        const string midJson = """{"b":""" + innerJson + "}";
        const string topJson = """{"a":""" + midJson + "}";
        result.Step("inner")!.Output!.ToJsonString().Should().Be(innerJson);
        result.Step("mid")!.Output!.ToJsonString().Should().Be(midJson);
        result.Step("top")!.Output!.ToJsonString().Should().Be(topJson);
        result.Output!["top"]!.ToJsonString().Should().Be(topJson);
        result.Output!["mid"]!.ToJsonString().Should().Be(midJson);
        result.Output!["inner"]!.ToJsonString().Should().Be(innerJson);
    }

    [Fact]
    public async Task A_conditional_can_route_into_a_sequence_containing_a_loop()
    {
        Tools.Returns("step", p => p["v"]!.DeepClone()).Echo("after");
        var wf = Sequential("outer",
            Nested("route", Conditional("route",
                When("deep", Eq("input.mode", "\"deep\""),
                    Nested("work", Sequential("work",
                        Tool("first", tool: "step", parameters: """{"v":"start"}"""),
                        Nested("repeat", Loop("repeat", ForEach("""["a","b"]"""), Tool("each", tool: "step", parameters: """{"v":"{{steps.first.output}}-{{loop.item}}"}""")))))),
                Otherwise("shallow", Tool("skip", tool: "step", parameters: """{"v":"shallow"}""")))),
            Tool("after", parameters: """{"route":"{{steps.route.output}}","work":"{{steps.work.output}}"}"""));

        var result = await Run(wf, JsonNode.Parse("""{"mode":"deep"}"""));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!["route"]!.ToJsonString().Should().Be("""["start-a","start-b"]""");
        result.Output!["work"]!.ToJsonString().Should().Be("""["start-a","start-b"]""");
        result.Step("skip")!.Status.Should().Be(StepStatus.Skipped);
    }

    [Fact]
    public async Task A_loop_can_run_a_parallel_workflow_per_iteration()
    {
        Tools.Returns("upper", p => JsonValue.Create(p["s"]!.GetValue<string>().ToUpperInvariant()))
            .Returns("length", p => JsonValue.Create(p["s"]!.GetValue<string>().Length));
        var wf = Loop("words", ForEach("""["ab","cde"]"""),
            Nested("both", Parallel("both",
                Branch("u", Tool("upper", parameters: """{"s":"{{loop.item}}"}""")),
                Branch("l", Tool("length", parameters: """{"s":"{{loop.item}}"}""")))));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!.AsArray().Select(o => o!["u"]!.GetValue<string>()).Should().Equal("AB", "CDE");
        result.Output!.AsArray().Select(o => o!["l"]!.GetValue<int>()).Should().Equal(2, 3);
    }

    [Fact]
    public async Task A_named_workflow_runs_where_a_step_names_it_with_its_own_input()
    {
        Tools.Returns("hello", p => JsonValue.Create($"hello {p["who"]!.GetValue<string>()}"));
        var greet = Sequential("greet", Tool("hello", parameters: """{"who":"{{input.name}}"}"""));
        var wf = Sequential("outer", NestedNamed("greet-ada", "greet", "{{input.people[0]}}"), NestedNamed("greet-bob", "greet", "{{input.people[1]}}"))
            with { Workflows = new Dictionary<string, WorkflowDefinition> { ["greet"] = greet } };

        var result = await Run(wf, JsonNode.Parse("""{"people":[{"name":"Ada"},{"name":"Bob"}]}"""));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Step("greet-ada")!.Output!.GetValue<string>().Should().Be("hello Ada");
        result.Output!.GetValue<string>().Should().Be("hello Bob");
    }

    [Fact]
    public async Task Named_workflows_are_reachable_from_any_depth_and_may_use_each_other()
    {
        Tools.Returns("leaf", _ => JsonValue.Create("leaf ran")).Echo("other");
        var named = new Dictionary<string, WorkflowDefinition>
        {
            ["inner"] = Sequential("inner", Tool("leaf")),
            ["middle"] = Sequential("middle", NestedNamed("call-inner", "inner")),
        };
        var wf = Parallel("outer", Branch("a", NestedNamed("call-middle", "middle")), Branch("b", Tool("other"))) with { Workflows = named };

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!["a"]!.GetValue<string>().Should().Be("leaf ran");
        result.Step("leaf")!.Key.Should().Be("a/call-middle/call-inner/leaf");
    }

    [Fact]
    public async Task A_nested_workflow_may_define_named_workflows_of_its_own()
    {
        Tools.Returns("leaf", _ => JsonValue.Create("local"));
        var sub = Sequential("sub", NestedNamed("call", "local")) with
        {
            Workflows = new Dictionary<string, WorkflowDefinition> { ["local"] = Sequential("local", Tool("leaf")) },
        };

        var result = await Run(Sequential("outer", Nested("sub", sub)));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!.GetValue<string>().Should().Be("local");
    }

    [Fact]
    public async Task An_unknown_named_workflow_is_rejected_before_the_run_listing_the_defined_ones()
    {
        var wf = Sequential("outer", NestedNamed("call", "nope")) with
        {
            Workflows = new Dictionary<string, WorkflowDefinition> { ["greet"] = Sequential("greet"), ["audit"] = Sequential("audit") },
        };

        var rejected = await Rejected(wf);

        rejected.Message.Should().Contain("'nope'").And.Contain("greet").And.Contain("audit");
    }

    [Fact]
    public async Task A_nested_workflow_without_an_input_template_gets_the_parent_input()
    {
        Tools.Echo("show");
        var result = await Run(Sequential("outer", Nested("sub", Sequential("sub", Tool("show", parameters: """{"who":"{{input.who}}"}""")))),
            JsonNode.Parse("""{"who":"parent input"}"""));

        result.Output!["who"]!.GetValue<string>().Should().Be("parent input");
    }

    [Fact]
    public async Task A_failure_deep_inside_fails_every_level_and_stops_the_outer_sequence()
    {
        Tools.Fails("deep", "deep failure").Echo("after");
        var wf = Sequential("outer",
            Nested("level1", Sequential("level1", Nested("level2", Sequential("level2", Tool("deep"))))),
            Tool("after"));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("step 'level1' failed").And.Contain("deep failure");
        result.Step("level2")!.Status.Should().Be(StepStatus.Failed);
        result.Step("after")!.Status.Should().Be(StepStatus.Skipped);
    }

    [Fact]
    public async Task A_tolerated_failure_inside_makes_the_outer_run_partially_completed()
    {
        Tools.Fails("flaky").Echo("ok").Echo("after");
        var wf = Sequential("outer",
            Nested("sub", Sequential("sub", Tool("flaky", onError: ErrorStrategy.Continue), Tool("ok"))),
            Tool("after"));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.PartiallyCompleted);
        result.Step("after")!.Status.Should().Be(StepStatus.Completed);
    }

    [Fact]
    public async Task A_nested_workflow_over_its_own_timeout_fails_its_step_and_cancels_its_calls()
    {
        Tools.Hangs("slow");
        var sub = Sequential("sub", Tool("slow")) with { Config = WorkflowConfig.Default with { Timeout = TimeSpan.FromMilliseconds(100) } };

        var result = await Run(Sequential("outer", Nested("sub", sub)));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("timed out after 100 ms");
        await AwaitAssertAsync(() => Tools.CancellationObserved("slow").Should().BeTrue());
    }

    [Theory]
    [InlineData(WorkflowType.Sequential)]
    [InlineData(WorkflowType.Parallel)]
    public async Task Workflows_nested_to_the_documented_limit_run_to_the_innermost_step(WorkflowType type)
    {
        Tools.Returns("leaf", _ => JsonValue.Create("deep"));
        var workflow = Sequential("w0", Tool("leaf"));
        for (var i = 1; i <= DefinitionLimits.MaxNesting; i++)
        {
            var step = Nested($"n{i}", workflow);
            workflow = type == WorkflowType.Sequential ? Sequential($"w{i}", step) : Parallel($"w{i}", Branch($"b{i}", step));
        }

        var result = await Run(workflow);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Step("leaf")!.Output!.GetValue<string>().Should().Be("deep");
    }
}
