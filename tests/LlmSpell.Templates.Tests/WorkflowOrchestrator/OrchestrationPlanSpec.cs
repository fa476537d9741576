using System.Text.Json.Nodes;
using LlmSpell.Templates.Parameters;
using LlmSpell.Templates.WorkflowOrchestrator;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Templates.Tests.WorkflowOrchestrator;

public sealed class OrchestrationPlanSpec
{
    private const string Model = "ollama/llama3.2:3b";

    private static OrchestrationPlan Plan(string config, ExecutionMode mode = ExecutionMode.Sequential, bool modeGiven = true, int maxSteps = 10,
        Func<string, bool>? configured = null) =>
        OrchestrationPlan.Build("workflow-orchestrator", JsonNode.Parse(config)!.AsObject(), mode, modeGiven, maxSteps, Model, configured ?? (_ => false));

    private static TemplateParameterException Fails(string config, ExecutionMode mode = ExecutionMode.Sequential, bool modeGiven = true)
    {
        var act = () => Plan(config, mode, modeGiven);
        return act.Should().Throw<TemplateParameterException>().Which;
    }

    private const string ThreeSteps = """{"steps":[{"name":"a","step_type":"agent"},{"name":"b","step_type":"tool","tool":"uuid"},{"name":"c","step_type":"agent","model":"ollama/x:1b"}]}""";

    [Fact]
    public void Agent_steps_get_workflow_agent_N_by_position_and_the_template_s_model()
    {
        var plan = Plan(ThreeSteps);

        plan.Agents.Should().Equal(new Dictionary<string, string> { ["a"] = "workflow-agent-0", ["c"] = "workflow-agent-2" });
        plan.Definition.Steps[0].Agent!.Model.Should().Be(Model);
        plan.Definition.Steps[2].Agent!.Model.Should().Be("ollama/x:1b", "a step's own model wins");
        plan.Definition.Type.Should().Be(WorkflowType.Sequential);
    }

    [Fact]
    public void Parallel_makes_one_branch_per_step_named_branch_N_without_fail_fast()
    {
        var plan = Plan(ThreeSteps, ExecutionMode.Parallel);

        plan.Definition.Type.Should().Be(WorkflowType.Parallel);
        plan.Definition.Branches.Select(b => (b.Name, b.Description, b.Steps.Single().Name)).Should().Equal(
            ("branch-1", "a", "a"), ("branch-2", "b", "b"), ("branch-3", "c", "c"));
        plan.Definition.Config.FailFast.Should().BeFalse();
        plan.Definition.Config.MaxConcurrency.Should().Be(4);
    }

    [Fact]
    public void Parallel_keeps_fail_fast_when_the_config_sets_it()
    {
        var plan = Plan("""{"fail_fast":true,"steps":[{"name":"a","step_type":"agent"}]}""", ExecutionMode.Parallel);

        plan.Definition.Config.FailFast.Should().BeTrue();
    }

    [Fact]
    public void Hybrid_without_conditions_is_one_default_branch_of_every_step()
    {
        var plan = Plan(ThreeSteps, ExecutionMode.Hybrid);

        plan.Definition.Type.Should().Be(WorkflowType.Conditional);
        var branch = plan.Definition.Branches.Single();
        branch.Name.Should().Be("default");
        branch.IsDefault.Should().BeTrue();
        branch.Steps.Select(s => s.Name).Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Hybrid_with_branches_routes_on_their_conditions_and_classifiers_get_the_model()
    {
        var plan = Plan("""
            {"branches":[
              {"name":"big","condition":{"classify":{"input":"x"}},"steps":[{"name":"a","step_type":"agent"}]},
              {"name":"small","condition":{"gt":{"path":"input.n","value":3}},"steps":[{"name":"b","step_type":"tool","tool":"uuid"}]},
              {"name":"rest","default":true,"steps":[{"name":"c","step_type":"agent"}]}]}
            """, ExecutionMode.Hybrid);

        plan.Definition.Type.Should().Be(WorkflowType.Conditional);
        plan.Definition.Branches.Select(b => b.Name).Should().Equal("big", "small", "rest");
        plan.Definition.Branches[0].Condition.Should().BeOfType<ClassifyCondition>().Which.Model.Should().Be(Model);
        plan.ConfiguredSteps.Should().Be(3);
    }

    [Fact]
    public void Hybrid_steps_carrying_a_conditional_workflow_run_as_written()
    {
        var plan = Plan("""
            {"steps":[{"name":"n","step_type":"tool","tool":"uuid"},
              {"name":"route","step_type":"workflow","workflow":{"type":"conditional","branches":[
                {"name":"x","condition":{"exists":"steps.n.output"},"steps":[{"name":"a","step_type":"agent"}]}]}}]}
            """, ExecutionMode.Hybrid);

        plan.Definition.Type.Should().Be(WorkflowType.Sequential);
        plan.Definition.Steps[1].Workflow!.Inline!.Branches[0].Steps[0].Agent!.Model.Should().Be(Model, "nested agent steps get the model too");
        plan.Agents["a"].Should().Be("workflow-agent-2");
    }

    [Fact]
    public void Loop_runs_once_by_default_and_as_told_otherwise()
    {
        var once = Plan("""{"steps":[{"step_type":"agent"}]}""", ExecutionMode.Loop);
        var thrice = Plan("""{"loop":{"range":{"start":0,"end":3}},"steps":[{"step_type":"agent"}]}""", ExecutionMode.Loop);

        once.Definition.Loop!.Iterator.Should().Be(new RangeIterator(1, 2, 1));
        thrice.Definition.Loop!.Iterator.Should().Be(new RangeIterator(0, 3, 1));
        once.Definition.Steps.Single().Name.Should().Be("step-1");
    }

    [Fact]
    public void Max_steps_keeps_the_first_steps_and_notes_the_cut()
    {
        var plan = Plan(ThreeSteps, maxSteps: 2);
        var branches = Plan("""{"branches":[{"name":"x","default":true,"steps":[{"name":"a","step_type":"agent"},{"name":"b","step_type":"agent"}]},{"name":"y","condition":"always","steps":[{"name":"c","step_type":"agent"}]}]}""",
            ExecutionMode.Hybrid, maxSteps: 2);

        plan.Definition.Steps.Select(s => s.Name).Should().Equal("a", "b");
        plan.ConfiguredSteps.Should().Be(3);
        plan.PlannedSteps.Should().Be(2);
        plan.Notes.Should().ContainSingle().Which.Should().Contain("only the first 2 run");
        branches.Definition.Branches.Select(b => b.Name).Should().Equal("x");
    }

    [Fact]
    public void A_configured_agent_keeps_its_settings_and_an_unknown_one_runs_on_the_model_with_a_note()
    {
        var config = """{"steps":[{"name":"a","step_type":{"Agent":{"agent_id":"analyst"}}},{"name":"b","step_type":{"Agent":{"agent_id":"ghost"}}}]}""";
        var plan = Plan(config, configured: id => id == "analyst");

        plan.Agents.Should().Equal(new Dictionary<string, string> { ["a"] = "analyst", ["b"] = "workflow-agent-1" });
        plan.Definition.Steps[0].Agent!.Model.Should().BeNull("the configured agent's model applies");
        plan.Definition.Steps[1].Agent!.AgentId.Should().BeNull();
        plan.Notes.Should().ContainSingle().Which.Should().Contain("agent_id 'ghost' is not a configured agent, so it runs as workflow-agent-1 on ollama/llama3.2:3b");
    }

    [Fact]
    public void The_type_in_the_config_sets_the_mode_unless_the_mode_was_given_and_disagrees()
    {
        var plan = Plan("""{"type":"parallel","steps":[{"name":"a","step_type":"agent"}]}""", ExecutionMode.Sequential, modeGiven: false);
        var conflict = Fails("""{"type":"loop","steps":[{"name":"a","step_type":"agent"}]}""", ExecutionMode.Parallel);

        plan.Mode.Should().Be(ExecutionMode.Parallel);
        conflict.Message.Should().Be("workflow_config.type is 'loop' but execution_mode is 'parallel'; they must agree (drop one of them, or set execution_mode to 'loop')");
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "workflow_config must contain 'steps' array")]
    [InlineData("""{"steps":[]}""", "workflow must have at least one step")]
    [InlineData("""{"steps":[{"step_type":"custom"}]}""", "workflow_config.steps[0].step_type: invalid step_type: 'custom'. Must be 'agent' or 'tool'")]
    [InlineData("""{"steps":[{"step_type":"agent","tool":"x"}]}""", "workflow_config.steps[0].tool:")]
    public void Config_errors_use_the_spec_s_texts_and_point_into_workflow_config(string config, string error)
    {
        Fails(config).Problems.Should().Contain(p => p.StartsWith(error, StringComparison.Ordinal));
    }
}
