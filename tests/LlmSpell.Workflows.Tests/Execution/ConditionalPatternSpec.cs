using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Tests.Execution;

public sealed class ConditionalPatternSpec : EngineSpec
{
    private const string Input = """{"user":{"name":"Ada","tier":"gold","age":36},"tags":["vip","beta"],"note":"  padded  "}""";
    private const string Score = """{"value":0.85,"labels":["spam","ham"],"text":"Refund request #123","meta":{"lang":"en"},"rating":"4.5"}""";

    /// <summary>Condition cases over the input, state, and the structured output of the step "score" (see above).</summary>
    private static readonly Dictionary<string, (Condition Condition, bool Matches)> Cases = new()
    {
        ["always"] = (AlwaysCondition.Instance, true),
        ["never"] = (NeverCondition.Instance, false),
        ["equals on input"] = (Eq("input.user.name", "\"Ada\""), true),
        ["equals on input, other value"] = (Eq("input.user.name", "\"Bob\""), false),
        ["equals on a number in step output"] = (Eq("steps.score.output.value", "0.85"), true),
        ["equals on a nested object"] = (Eq("steps.score.output.meta", """{"lang":"en"}"""), true),
        ["equals on state"] = (Eq("state.score.meta.lang", "\"en\""), true),
        ["not_equals on input"] = (Ne("input.user.tier", "\"silver\""), true),
        ["not_equals on input, same value"] = (Ne("input.user.tier", "\"gold\""), false),
        ["contains in an array"] = (Contains("input.tags", "\"vip\""), true),
        ["contains in an array, absent"] = (Contains("input.tags", "\"gamma\""), false),
        ["contains in a string"] = (Contains("steps.score.output.text", "\"Refund\""), true),
        ["contains a key of an object"] = (Contains("input.user", "\"tier\""), true),
        ["contains in step output array by index path"] = (Contains("steps.score.output.labels[1]", "\"am\""), true),
        ["matches a regex"] = (Matches("steps.score.output.text", @"#\d+$"), true),
        ["matches a regex, no match"] = (Matches("input.user.name", "^B"), false),
        ["gt on step output"] = (Gt("steps.score.output.value", "0.8"), true),
        ["gt on step output, equal"] = (Gt("steps.score.output.value", "0.85"), false),
        ["gte on step output"] = (Gte("steps.score.output.value", "0.85"), true),
        ["lt on input"] = (Lt("input.user.age", "40"), true),
        ["lt on input, greater"] = (Lt("input.user.age", "30"), false),
        ["lte on state"] = (Lte("state.score.value", "0.85"), true),
        ["lte on state, smaller"] = (Lte("state.score.value", "0.5"), false),
        ["gt on a numeric string"] = (Gt("steps.score.output.rating", "4"), true),
        ["gt on a non-number"] = (Gt("input.user.name", "1"), false),
        ["exists on input"] = (Exists("input.user.name"), true),
        ["exists on a missing input path"] = (Exists("input.user.email"), false),
        ["exists on step output"] = (Exists("steps.score.output.labels[0]"), true),
        ["exists on a step that has not run"] = (Exists("steps.on-no.output"), false),
        ["exists on state"] = (Exists("state.score"), true),
        ["comparison on a missing path"] = (Eq("input.missing.deeper", "1"), false),
        ["and, all true"] = (And(Eq("input.user.tier", "\"gold\""), Gt("steps.score.output.value", "0.5")), true),
        ["and, one false"] = (And(Eq("input.user.tier", "\"gold\""), Gt("steps.score.output.value", "0.9")), false),
        ["or, one true"] = (Or(Eq("input.user.tier", "\"silver\""), Contains("input.tags", "\"beta\"")), true),
        ["or, none true"] = (Or(Eq("input.user.tier", "\"silver\""), Contains("input.tags", "\"x\"")), false),
        ["not"] = (Not(Exists("input.user.email")), true),
        ["not, nested in and/or"] = (And(Not(Eq("input.user.name", "\"Bob\"")), Or(NeverCondition.Instance, Lt("input.user.age", "37"))), true),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_condition_routes_on_input_state_and_step_output(string name)
    {
        var (condition, matches) = Cases[name];
        Tools.Returns("score", _ => JsonNode.Parse(Score)).Echo("on-yes").Echo("on-no");
        var wf = Sequential("wf",
            Tool("score"),
            Nested("route", Conditional("route", When("yes", condition, Tool("on-yes")), Otherwise("no", Tool("on-no")))));

        var result = await Run(wf, JsonNode.Parse(Input));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        Tools.Calls("on-yes").Should().Be(matches ? 1 : 0, condition.Describe());
        Tools.Calls("on-no").Should().Be(matches ? 0 : 1, condition.Describe());
    }

    [Fact]
    public async Task First_match_runs_only_the_first_matching_branch()
    {
        Tools.Echo("a").Echo("b").Echo("c");
        var wf = Conditional("wf",
            When("first", Eq("input.kind", "\"x\""), Tool("a")),
            When("second", Exists("input.kind"), Tool("b")),
            Otherwise("fallback", Tool("c")));

        var run = await Engine.StartAsync(wf, JsonNode.Parse("""{"kind":"x"}"""));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("a");
        result.Step("b")!.Status.Should().Be(StepStatus.Skipped);
        result.Step("c")!.Status.Should().Be(StepStatus.Skipped);
        events.OfType<BranchSelected>().Single().Branches.Should().Equal("first");
    }

    [Fact]
    public async Task All_matches_runs_every_matching_branch_in_order_and_outputs_each()
    {
        Tools.Returns("a", _ => JsonValue.Create("A")).Returns("b", _ => JsonValue.Create("B")).Echo("c");
        var wf = ConditionalAllMatches("wf",
            When("first", Eq("input.kind", "\"x\""), Tool("a")),
            When("never", NeverCondition.Instance, Tool("c")),
            When("second", Exists("input.kind"), Tool("b")),
            Otherwise("fallback", Tool("c-fallback", tool: "c")));

        var run = await Engine.StartAsync(wf, JsonNode.Parse("""{"kind":"x"}"""));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("a", "b");
        result.Output!["first"]!.GetValue<string>().Should().Be("A");
        result.Output!["second"]!.GetValue<string>().Should().Be("B");
        events.OfType<BranchSelected>().Single().Branches.Should().Equal("first", "second");
    }

    [Fact]
    public async Task The_default_branch_runs_when_nothing_matches()
    {
        Tools.Echo("a").Returns("c", _ => JsonValue.Create("fallback output"));
        var wf = Conditional("wf", When("first", Eq("input.kind", "\"x\""), Tool("a")), Otherwise("fallback", Tool("c")));

        var run = await Engine.StartAsync(wf, JsonNode.Parse("""{"kind":"y"}"""));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        result.Output!.GetValue<string>().Should().Be("fallback output");
        result.Step("a")!.Status.Should().Be(StepStatus.Skipped);
        var selected = events.OfType<BranchSelected>().Single();
        selected.Branches.Should().Equal("fallback");
        selected.Reason.Should().Contain("default");
    }

    [Fact]
    public async Task Nothing_matching_without_a_default_completes_with_every_branch_step_skipped()
    {
        Tools.Echo("a").Echo("b");
        var wf = Conditional("wf",
            When("first", NeverCondition.Instance, Tool("a"), Tool("b")),
            When("second", Eq("input.kind", "\"x\""), Tool("b-second", tool: "b")));

        var run = await Engine.StartAsync(wf, JsonNode.Parse("""{"kind":"y"}"""));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().BeEmpty();
        result.Steps.Should().HaveCount(3).And.OnlyContain(s => s.Status == StepStatus.Skipped);
        result.Steps.Select(s => s.Key).Should().Equal("first/a", "first/b", "second/b-second");
        events.OfType<BranchSelected>().Single().Branches.Should().BeEmpty();
    }

    [Fact]
    public async Task Classification_runs_the_branch_the_agent_names()
    {
        Agents.Answer("classify", "billing");
        Tools.Echo("bill").Echo("tech").Echo("misc");
        var run = await Engine.StartAsync(Triage(), JsonValue.Create("My invoice charged me twice"));
        var events = await EventsOf(run);
        var result = await Finished(run);

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("bill");
        result.Step("tech")!.Status.Should().Be(StepStatus.Skipped);
        result.Step("misc")!.Status.Should().Be(StepStatus.Skipped);
        var prompt = Agents.RequestsOf("classify").Single().Input;
        prompt.Should().Contain("billing, technical").And.Contain("My invoice charged me twice");
        var selected = events.OfType<BranchSelected>().Single();
        selected.Branches.Should().Equal("billing");
        selected.Reason.Should().Contain("'billing'");
    }

    [Theory]
    [InlineData("I think it's 'billing'.")]
    [InlineData("**Billing**")]
    [InlineData("Category: billing (not technical)")]
    public async Task Classification_understands_a_chatty_answer(string answer)
    {
        Agents.Answer("classify", answer);
        Tools.Echo("bill").Echo("tech").Echo("misc");

        var result = await Run(Triage(), JsonValue.Create("invoice"));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("bill");
    }

    [Fact]
    public async Task Classification_with_an_unknown_label_takes_the_default_branch()
    {
        Agents.Answer("classify", "weather");
        Tools.Echo("bill").Echo("tech").Echo("misc");

        var result = await Run(Triage(), JsonValue.Create("is it raining"));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("misc");
    }

    [Fact]
    public async Task Classification_labels_may_differ_from_branch_names_and_classify_a_template()
    {
        Agents.Answer("classify", "refund");
        Tools.Echo("r").Echo("q");
        var wf = Conditional("wf",
            When("money-back", new ClassifyCondition { Label = "refund", Input = "Ticket: {{input.text}}" }, Tool("r")),
            When("question", new ClassifyCondition { Label = "question" }, Tool("q")));

        var result = await Run(wf, JsonNode.Parse("""{"text":"give my money back"}"""));

        result.Status.Should().Be(RunStatus.Completed);
        Tools.CallOrder.Should().Equal("r");
        Agents.RequestsOf("classify").Single().Input.Should().Contain("refund, question").And.Contain("Ticket: give my money back");
    }

    [Fact]
    public async Task A_failing_branch_step_fails_the_conditional()
    {
        Tools.Fails("a", "no route");
        var result = await Run(Conditional("wf", When("only", AlwaysCondition.Instance, Tool("a"))));

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("branch 'only'").And.Contain("no route");
    }

    [Fact]
    public async Task A_condition_that_cannot_be_evaluated_is_rejected_before_the_run_saying_why()
    {
        Tools.Echo("a").Echo("b");
        var wf = Conditional("wf", When("bad", Matches("input.text", "(unclosed"), Tool("a")), Otherwise("fallback", Tool("b")));

        var rejected = await Rejected(wf);

        rejected.Errors.Single().Path.Should().Contain("branches[0].condition");
        rejected.Message.Should().Contain("(unclosed");
        Tools.CallOrder.Should().BeEmpty();
    }

    private static WorkflowDefinition Triage() => Conditional("triage",
        When("billing", new ClassifyCondition(), Tool("bill")),
        When("technical", new ClassifyCondition(), Tool("tech")),
        Otherwise("other", Tool("misc")));
}
