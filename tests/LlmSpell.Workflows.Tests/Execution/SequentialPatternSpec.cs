using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class SequentialPatternSpec : EngineSpec
{
    [Fact]
    public async Task Each_step_sees_the_outputs_of_the_steps_before_it()
    {
        Tools.Returns("fetch", _ => JsonNode.Parse("""{"items":[{"title":"first"}],"count":1}"""))
            .Echo("format");
        Agents.Answer("summarize", "a summary");
        var wf = Sequential("pipeline",
            Tool("fetch"),
            Agent("summarize", "Summarize {{steps.fetch.output.items[0].title}} for {{input.user}}"),
            Tool("format", parameters: """{"title":"{{steps.fetch.output.items[0].title}}","summary":"{{steps.summarize.output}}","all":"{{steps.fetch.output}}"}"""));

        var result = await Run(wf, JsonNode.Parse("""{"user":"Ada"}"""));

        result.Status.Should().Be(RunStatus.Completed);
        Agents.Requests.Single().Input.Should().Be("Summarize first for Ada");
        var formatted = Tools.CallParameters("format").Single();
        formatted["title"]!.GetValue<string>().Should().Be("first");
        formatted["summary"]!.GetValue<string>().Should().Be("a summary");
        formatted["all"]!["count"]!.GetValue<int>().Should().Be(1);
        result.Output!["summary"]!.GetValue<string>().Should().Be("a summary");
        result.Steps.Select(s => s.Name).Should().Equal("fetch", "summarize", "format");
        result.Steps.Should().OnlyContain(s => s.Status == StepStatus.Completed && s.Attempts == 1);
        result.Step("summarize")!.Usage!.TotalTokens.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_failing_step_fails_the_run_and_skips_the_rest_under_fail_fast()
    {
        Tools.Echo("a").Fails("b", "disk full").Echo("c");
        var result = await Run(Sequential("wf", Tool("a"), Tool("b"), Tool("c")));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("step 'b' failed: disk full");
        result.Step("c")!.Status.Should().Be(StepStatus.Skipped);
        Tools.Calls("c").Should().Be(0);
    }

    [Fact]
    public async Task Continue_strategy_records_the_failure_and_ends_partially_completed()
    {
        Tools.Echo("a").Fails("b").Echo("c");
        var result = await Run(Sequential("wf", Tool("a"), Tool("b", onError: ErrorStrategy.Continue), Tool("c")));

        result.Status.Should().Be(RunStatus.PartiallyCompleted);
        result.Step("b")!.Status.Should().Be(StepStatus.Failed);
        result.Step("c")!.Status.Should().Be(StepStatus.Completed);
    }

    [Fact]
    public async Task Events_arrive_in_causal_order()
    {
        Tools.Echo("a").Echo("b");
        var run = await Engine.StartAsync(Sequential("wf", Tool("a"), Tool("b")));
        var events = new List<WorkflowEvent>();
        await foreach (var e in run.Events) events.Add(e);

        events.Select(e => e.Kind + (e is StepStarted s ? ":" + s.Step : e is StepCompleted c ? ":" + c.Step : ""))
            .Should().Equal("run_started", "step_started:a", "step_completed:a", "step_started:b", "step_completed:b", "run_completed");
        events.Should().OnlyContain(e => e.RunId == run.Id);
        (await Finished(run)).Status.Should().Be(RunStatus.Completed);
    }

    [Fact]
    public async Task A_reference_that_cannot_resolve_fails_the_step_naming_it()
    {
        Tools.Returns("a", _ => JsonNode.Parse("""{"x":1}""")).Echo("b");
        var result = await Run(Sequential("wf", Tool("a"), Tool("b", parameters: """{"v":"{{steps.a.output.missing}}"}""")));

        result.Status.Should().Be(RunStatus.Failed);
        result.Step("b")!.Error.Should().Contain("{{steps.a.output.missing}}").And.Contain("no property 'missing'");
        Tools.Calls("b").Should().Be(0);
    }

    [Fact]
    public async Task An_unknown_tool_is_refused_at_the_start_with_a_suggestion_and_the_available_tools()
    {
        Tools.Echo("file-read").Echo("hash");
        var start = () => Engine.StartAsync(Sequential("wf", Tool("first", tool: "hash"), Tool("x", tool: "hsah")));

        var error = (await start.Should().ThrowAsync<WorkflowValidationException>()).Which.Errors.Should().ContainSingle().Which;
        error.Path.Should().Be("$.steps[1].tool");
        error.Message.Should().Be("unknown tool 'hsah'; did you mean 'hash'? Available tools: file-read, hash (see 'llmspell tool list')");
        Tools.Calls("hash").Should().Be(0, "nothing runs when a step names an unknown tool");
    }
}
