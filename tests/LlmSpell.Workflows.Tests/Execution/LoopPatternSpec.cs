using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class LoopPatternSpec : EngineSpec
{
    /// <summary>A loop body step that reports what it saw: <c>{"item": loop.item, "index": loop.index}</c>.</summary>
    private static StepDefinition See() => Tool("see", parameters: """{"item":"{{loop.item}}","index":"{{loop.index}}"}""");

    public LoopPatternSpec() => Tools.Echo("see");

    [Fact]
    public async Task A_range_runs_from_start_up_to_but_excluding_end()
    {
        var result = await Run(Loop("wf", Range(0, 6, 2), See()));

        result.Status.Should().Be(RunStatus.Completed);
        Items().Should().Equal("0", "2", "4");
        Indexes().Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task A_range_with_a_negative_step_counts_down_excluding_end()
    {
        var result = await Run(Loop("wf", Range(5, 0, -2), See()));

        result.Status.Should().Be(RunStatus.Completed);
        Items().Should().Equal("5", "3", "1");
    }

    [Fact]
    public async Task An_empty_range_runs_no_iteration_and_completes()
    {
        var result = await Run(Loop("wf", Range(3, 3), See()));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.Calls("see").Should().Be(0);
        result.Output!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task For_each_iterates_a_literal_array()
    {
        var result = await Run(Loop("wf", ForEach("""["a",{"k":1},3]"""), See()));

        result.Status.Should().Be(RunStatus.Completed);
        Items().Should().Equal("\"a\"", """{"k":1}""", "3");
        Indexes().Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task For_each_iterates_an_array_in_the_input()
    {
        var result = await Run(Loop("wf", ForEachAt("input.files"), See()), JsonNode.Parse("""{"files":["a.txt","b.txt"]}"""));

        result.Status.Should().Be(RunStatus.Completed);
        Items().Should().Equal("\"a.txt\"", "\"b.txt\"");
    }

    [Fact]
    public async Task For_each_iterates_the_json_array_an_agent_answered()
    {
        Agents.Answer("plan", """["intro","body","end"]""");
        Agents.Answer(r => r.StepName == "write", r => "wrote " + r.Input);
        var wf = Sequential("wf",
            Agent("plan", "List the sections"),
            Nested("sections", Loop("sections", ForEachAt("steps.plan.output"), Agent("write", "{{loop.item}} ({{loop.index}})"))));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        Agents.RequestsOf("write").Select(r => r.Input).Should().Equal("intro (0)", "body (1)", "end (2)");
        result.Output!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("wrote intro (0)", "wrote body (1)", "wrote end (2)");
    }

    [Fact]
    public async Task For_each_over_something_not_an_array_fails_saying_what_it_is()
    {
        var result = await Run(Loop("wf", ForEachAt("input.files"), See()), JsonNode.Parse("""{"files":"a.txt"}"""));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("input.files").And.Contain("not an array").And.Contain("string");
    }

    [Fact]
    public async Task While_runs_as_long_as_a_condition_on_state_holds()
    {
        Tools.Counts("tick");
        var wf = Loop("wf", While(Or(Not(Exists("state.tick")), Lt("state.tick.n", "3"))), Tool("tick"));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.Calls("tick").Should().Be(3);
        result.Output!.AsArray().Select(n => n!["n"]!.GetValue<int>()).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_while_condition_sees_the_index_of_the_iteration_it_decides_on()
    {
        var result = await Run(Loop("wf", While(Lt("loop.index", "3")), See()));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        Indexes().Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task Max_iterations_stops_a_while_loop_whose_condition_always_holds()
    {
        Tools.Counts("tick");
        var result = await Run(Loop("wf", While(AlwaysCondition.Instance) with { MaxIterations = 4 }, Tool("tick")));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.Calls("tick").Should().Be(4);
    }

    [Fact]
    public async Task Max_iterations_also_caps_ranges_and_collections()
    {
        Tools.Counts("tick");
        await Run(Loop("range", Range(0, 100) with { MaxIterations = 3 }, Tool("tick")));
        Tools.Calls("tick").Should().Be(3);

        await Run(Loop("items", ForEach("[1,2,3,4,5]") with { MaxIterations = 2 }, Tool("tick")));
        Tools.Calls("tick").Should().Be(5);
    }

    [Fact]
    public async Task Break_when_is_checked_after_each_iteration()
    {
        Tools.Counts("tick");
        var wf = Loop("wf", Range(0, 10) with { BreakWhen = Eq("steps.tick.output.n", "2") }, Tool("tick"));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.Calls("tick").Should().Be(2, "the iteration that made the condition true runs to its end, then the loop stops");
        result.Output!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task Break_when_true_from_the_start_still_runs_one_iteration()
    {
        Tools.Counts("tick");
        var result = await Run(Loop("wf", Range(0, 10) with { BreakWhen = AlwaysCondition.Instance }, Tool("tick")));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.Calls("tick").Should().Be(1);
    }

    [Theory]
    [InlineData(LoopAggregation.CollectAll, 0, "[1,2,3,4]")]
    [InlineData(LoopAggregation.Last, 0, "4")]
    [InlineData(LoopAggregation.FirstN, 2, "[1,2]")]
    [InlineData(LoopAggregation.LastN, 2, "[3,4]")]
    [InlineData(LoopAggregation.LastN, 10, "[1,2,3,4]")]
    [InlineData(LoopAggregation.None, 0, "null")]
    public async Task The_aggregation_decides_the_loop_output(LoopAggregation aggregation, int count, string expected)
    {
        Tools.Returns("n", p => p["v"]!.DeepClone());
        var wf = Loop("wf", Range(1, 5) with { Aggregation = aggregation, AggregationCount = count }, Tool("n", parameters: """{"v":"{{loop.item}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed);
        (result.Output?.ToJsonString() ?? "null").Should().Be(expected);
        Tools.Calls("n").Should().Be(4, "the aggregation selects outputs; it never cuts the loop short");
    }

    [Fact]
    public async Task Iterations_are_spaced_by_the_delay_and_run_in_order()
    {
        var wf = Loop("wf", Range(0, 3) with { DelayBetweenIterations = TimeSpan.FromMilliseconds(20) }, See());

        var run = await Engine.StartAsync(wf);
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        events.Where(e => e is IterationStarted or IterationCompleted)
            .Select(e => e is IterationStarted s ? $"start {s.Index}" : $"done {((IterationCompleted)e).Index}")
            .Should().Equal("start 0", "done 0", "start 1", "done 1", "start 2", "done 2");
        Items().Should().Equal("0", "1", "2");
    }

    [Fact]
    public async Task Iteration_events_carry_the_index_item_and_output()
    {
        var run = await Engine.StartAsync(Loop("wf", ForEach("""["x","y"]"""), See()));
        var events = await EventsOf(run);

        var started = events.OfType<IterationStarted>().ToArray();
        started.Select(e => (e.Index, e.Item!.GetValue<string>())).Should().Equal((0L, "x"), (1L, "y"));
        var completed = events.OfType<IterationCompleted>().ToArray();
        completed.Select(e => e.Output!["item"]!.GetValue<string>()).Should().Equal("x", "y");
        events.OfType<StepCompleted>().Select(e => e.Key).Should().Equal("[0]/see", "[1]/see");
    }

    [Fact]
    public async Task A_failing_iteration_fails_the_loop_with_the_outputs_so_far()
    {
        Tools.Add("picky", (p, _) => p["v"]!.GetValue<long>() == 2
            ? Task.FromException<JsonNode?>(new InvalidOperationException("cannot handle 2"))
            : Task.FromResult<JsonNode?>(p["v"]!.DeepClone()));
        var wf = Loop("wf", Range(0, 5), Tool("picky", parameters: """{"v":"{{loop.item}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("iteration 2").And.Contain("cannot handle 2");
        result.Output!.ToJsonString().Should().Be("[0,1]");
        Tools.Calls("picky").Should().Be(3);
    }

    [Fact]
    public async Task A_loop_result_is_visible_to_later_steps_as_state_named_after_the_loop()
    {
        Tools.Returns("n", p => p["v"]!.DeepClone()).Echo("report");
        var wf = Sequential("wf",
            Nested("count", Loop("numbers", Range(0, 3), Tool("n", parameters: """{"v":"{{loop.item}}"}"""))),
            Tool("report", parameters: """{"state":"{{state.numbers}}","output":"{{steps.count.output}}","last":"{{steps.n.output}}"}"""));

        var result = await Run(wf);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        result.Output!["state"]!.ToJsonString().Should().Be("[0,1,2]");
        result.Output!["output"]!.ToJsonString().Should().Be("[0,1,2]");
        result.Output!["last"]!.ToJsonString().Should().Be("2");
    }

    [Fact]
    public async Task An_invalid_while_condition_is_rejected_before_the_run_saying_why()
    {
        var rejected = await Rejected(Loop("wf", While(Matches("input.x", "[unclosed")), See()));

        rejected.Message.Should().Contain("while").And.Contain("[unclosed");
    }

    private string[] Items() => Tools.CallParameters("see").Select(p => p["item"]!.ToJsonString()).ToArray();

    private long[] Indexes() => Tools.CallParameters("see").Select(p => p["index"]!.GetValue<long>()).ToArray();
}
