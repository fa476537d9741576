using System.Text.Json.Nodes;
using LlmSpell.Testing;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

/// <summary>Issue 21: run-time failures of unusual definitions say where they happened, never "failed unexpectedly".</summary>
public sealed class HostileRunSpec : EngineSpec
{
    [Fact]
    public async Task A_classify_input_that_cannot_be_rendered_fails_naming_the_branch_and_the_missing_input()
    {
        var wf = Conditional("router",
            When("billing", new ClassifyCondition { Input = "{{input.message}}" }, Tool("answer")),
            When("technical", new ClassifyCondition { Input = "{{input.message}}" }, Tool("fix")));
        Tools.Echo("answer").Echo("fix");

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().StartWith("branch 'billing': the input of its classify condition cannot be rendered: Reference {{input.message}}")
            .And.Contain("started without an input").And.Contain("--input '{\"message\": ...}'")
            .And.NotContain("unexpectedly");
        Agents.Requests.Should().BeEmpty("no classification is asked for with a broken input");
    }

    [Fact]
    public async Task A_top_level_loop_whose_for_each_source_is_missing_names_the_loop()
    {
        Tools.Echo("each");
        var result = await Run(Loop("per-item", ForEachAt("input.items"), Tool("each")), JsonNode.Parse("""{"other": 1}"""));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().StartWith("loop 'per-item': its for_each source cannot be read: Reference {{input.items}}");
    }

    [Fact]
    public async Task A_top_level_loop_over_a_non_array_names_the_loop()
    {
        Tools.Echo("each");
        var result = await Run(Loop("per-item", ForEachAt("input.items"), Tool("each")), JsonNode.Parse("""{"items": 5}"""));

        result.Error.Should().StartWith("loop 'per-item': its for_each source input.items is not an array");
    }

    [Fact]
    public async Task A_run_timeout_names_the_innermost_steps_that_were_running()
    {
        Tools.Hangs("slow").Hangs("slower");
        var wf = Parallel("wf",
            Branch("a", Nested("inner", Sequential("inner", Tool("slow")))),
            Branch("b", Tool("slower"))) with { Config = WorkflowConfig.Default with { Timeout = TestTime.Dilated(TimeSpan.FromMilliseconds(500)) } };
        var run = await Engine.StartAsync(wf);
        await Tools.WhenCalled("slow");
        await Tools.WhenCalled("slower");

        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.TimedOut);
        result.Error.Should().Contain("timed out after").And.Contain("while steps 'a/inner/slow', 'b/slower' were running")
            .And.EndWith("raise config.timeout_s if the work needs longer");
    }
}
