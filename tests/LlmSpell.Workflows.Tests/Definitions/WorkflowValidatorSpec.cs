using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Definitions;

public sealed class WorkflowValidatorSpec
{
    private static IReadOnlyList<ValidationError> Errors(string json) =>
        FluentActions.Invoking(() => WorkflowParser.ParseJson(json)).Should().Throw<WorkflowValidationException>().Which.Errors;

    private static ValidationError Single(string json) => Errors(json).Should().ContainSingle().Subject;

    private static StepDefinition Agent(string name, string? input = null) =>
        new() { Name = name, Kind = StepKind.Agent, Agent = new AgentStepSpec { Input = input } };

    // The spec's texts, verbatim.

    [Fact]
    public void Missing_steps_uses_the_specs_text()
    {
        Single("""{"name": "x"}""").Should().Be(new ValidationError("$.steps", "workflow_config must contain 'steps' array"));
        Single("""{"type": "loop", "loop": {"range": {"end": 2}}}""").Should().Be(new ValidationError("$.steps", "workflow_config must contain 'steps' array"));
    }

    [Fact]
    public void Empty_steps_uses_the_specs_text()
    {
        Single("""{"steps": []}""").Should().Be(new ValidationError("$.steps", "workflow must have at least one step"));
    }

    [Fact]
    public void An_invalid_step_type_uses_the_specs_text_in_both_forms()
    {
        Single("""{"steps": [{"step_type": "agent"}, {"step_type": "custom"}]}""")
            .Should().Match<ValidationError>(e => e.Path == "$.steps[1].step_type"
                && e.Message.StartsWith("invalid step_type: 'custom'. Must be 'agent' or 'tool'"));
        Single("""{"steps": [{"step_type": {"Custom": {"x": 1}}}]}""")
            .Should().Match<ValidationError>(e => e.Path == "$.steps[0].step_type"
                && e.Message.StartsWith("invalid step_type: 'Custom'. Must be 'agent' or 'tool'"));
        Single("""{"steps": [{"type": "custom"}]}""").Path.Should().Be("$.steps[0].type");
    }

    [Fact]
    public void A_missing_step_type_says_which_are_valid()
    {
        Single("""{"steps": [{"name": "a"}]}""").Should().Be(new ValidationError("$.steps[0].step_type",
            "the step has no step_type. Must be 'agent' or 'tool' (or 'workflow' or 'wait'): add e.g. \"step_type\": \"agent\""));
    }

    // Our own checks.

    [Fact]
    public void An_unknown_workflow_type_lists_the_valid_ones()
    {
        Single("""{"type": "paralel", "steps": [{"step_type": "agent"}]}""").Should().Be(new ValidationError("$.type",
            "unknown workflow type 'paralel'; use one of: sequential, parallel, conditional, loop; did you mean 'parallel'?"));
        Single("""{"type": "hybrid", "steps": [{"step_type": "agent"}]}""").Message.Should()
            .EndWith("'hybrid' is the template's execution_mode; the workflow type is 'conditional'");
    }

    [Fact]
    public void Duplicate_step_names_name_both_places()
    {
        Single("""{"steps": [{"name": "a", "step_type": "agent"}, {"name": "b", "step_type": "agent"}, {"name": "a", "step_type": "tool"}]}""")
            .Should().Be(new ValidationError("$.steps[2].name",
                "duplicate step name 'a' (also at $.steps[0]); step names must be unique within a workflow because references name them (steps.a.output)"));
    }

    [Fact]
    public void Duplicate_step_names_across_branches_of_one_workflow_are_found()
    {
        Single("""
            {"type": "parallel", "branches": [
              {"name": "l", "steps": [{"name": "x", "step_type": "agent"}]},
              {"name": "r", "steps": [{"name": "x", "step_type": "agent"}]}]}
            """).Path.Should().Be("$.branches[1].steps[0].name");
    }

    [Fact]
    public void References_to_unknown_steps_are_found_in_every_template_and_path()
    {
        var errors = Errors("""
            {"name": "w", "workflows": {"sub": {"steps": [{"step_type": "agent"}]}},
             "steps": [
              {"name": "fetch", "step_type": "tool", "parameters": {"q": {"list": ["ok", "{{steps.nope1.output}}"]}}},
              {"name": "write", "step_type": "agent", "input": "Use {{steps.fecth.output.items[0]}}"},
              {"name": "nest", "step_type": "workflow", "workflow": "sub", "input": {"text": "{{steps.nope2.output}}"}},
              {"name": "route", "step_type": "workflow", "workflow": {"type": "conditional", "branches": [
                {"condition": {"gt": {"path": "steps.nope3.output.score", "value": 1}}, "steps": [{"step_type": "agent"}]}]}},
              {"name": "each", "step_type": "workflow", "workflow": {"type": "loop", "loop": {"for_each": "steps.nope4.output"},
                "steps": [{"step_type": "agent"}]}}
            ]}
            """);

        errors.Select(e => e.Path).Should().Equal(
            "$.steps[0].parameters.q.list[1]",
            "$.steps[1].input",
            "$.steps[2].input.text",
            "$.steps[3].workflow.branches[0].condition.gt.path",
            "$.steps[4].workflow.loop.for_each");
        errors[1].Message.Should().StartWith("reference {{steps.fecth.output.items[0]}} names unknown step 'fecth'; did you mean 'fetch'? (known steps: fetch, write, nest, route, branch-1-step-1, each, step-1)");
        errors[0].Message.Should().StartWith("reference {{steps.nope1.output}} names unknown step 'nope1'");
    }

    [Fact]
    public void Nested_workflows_see_their_parents_steps_and_parents_see_theirs()
    {
        var workflow = WorkflowParser.ParseJson("""
            {"steps": [
              {"name": "outline", "step_type": "agent"},
              {"name": "sub", "step_type": "workflow", "workflow": {"steps": [
                {"name": "draft", "step_type": "agent", "input": "Write from {{steps.outline.output}}"}]}},
              {"name": "polish", "step_type": "agent", "input": "Polish {{steps.draft.output}}"}
            ]}
            """);
        workflow.Steps.Should().HaveCount(3);
    }

    [Fact]
    public void Loop_references_are_only_valid_in_a_loop_body_and_branch_references_in_a_branch()
    {
        var errors = Errors("""
            {"steps": [
              {"name": "a", "step_type": "agent", "input": "{{loop.item}} {{branch.name}}"},
              {"name": "ok", "step_type": "workflow", "workflow": {"type": "loop", "loop": {"range": {"end": 3}, "break_when": {"equals": {"path": "loop.index", "value": 2}}},
                "steps": [{"name": "b", "step_type": "agent", "input": "{{loop.index}}"},
                          {"name": "c", "step_type": "workflow", "workflow": {"type": "parallel", "steps": [{"name": "d", "step_type": "agent", "input": "{{loop.item}} in {{branch.name}}"}]}}]}}
            ]}
            """);

        errors.Should().Equal(
            new ValidationError("$.steps[0].input",
                "reference {{loop.item}} is only available inside a loop body (a loop workflow's steps, its while and break_when); move this step into a loop"),
            new ValidationError("$.steps[0].input",
                "reference {{branch.name}} is only available inside a branch of a parallel or conditional workflow; move this step into a branch"));
    }

    [Fact]
    public void A_named_workflow_called_from_a_loop_body_may_use_loop_references()
    {
        var json = """
            {"workflows": {"per-item": {"steps": [{"name": "handle", "step_type": "agent", "input": "{{loop.item}}"}]}},
             "type": "loop", "loop": {"for_each": "input.items"},
             "steps": [{"name": "call", "step_type": "workflow", "workflow": "per-item"}]}
            """;
        WorkflowParser.ParseJson(json).Workflows.Should().ContainKey("per-item");

        Single(json.Replace("\"type\": \"loop\", \"loop\": {\"for_each\": \"input.items\"},", ""))
            .Path.Should().Be("$.workflows['per-item'].steps[0].input");
    }

    [Fact]
    public void Malformed_references_give_the_reason()
    {
        var errors = Errors("""
            {"steps": [
              {"name": "a", "step_type": "agent", "input": "{{steps.a}} and {{ outputs.x }}"},
              {"name": "b", "step_type": "tool", "branches": 1, "parameters": {"p": "{{loop.value}}"}}
            ]}
            """);

        errors.Should().ContainEquivalentOf(new ValidationError("$.steps[0].input",
            "reference 'steps.a' must have the form steps.NAME.output[.path]; write references as {{input.x}}, {{steps.NAME.output}}, {{state.KEY}}, {{loop.item}}, {{loop.index}} or {{branch.name}}"));
        errors.Should().Contain(e => e.Path == "$.steps[0].input" && e.Message.StartsWith("reference 'outputs.x' starts with 'outputs'"));
        errors.Should().Contain(e => e.Path == "$.steps[1].parameters.p" && e.Message.StartsWith("reference 'loop.value' must be loop.item[.path] or loop.index"));
        errors.Should().Contain(e => e.Path == "$.steps[1].branches" && e.Message.StartsWith("unknown key 'branches'"));
    }

    [Fact]
    public void Malformed_condition_paths_give_the_reason()
    {
        Single("""
            {"type": "conditional", "branches": [{"condition": {"exists": "steps..x"}, "steps": [{"step_type": "agent"}]}]}
            """).Should().Be(new ValidationError("$.branches[0].condition.exists", "reference 'steps..x' has an empty name before position 7"));
    }

    [Fact]
    public void An_unknown_named_workflow_lists_the_known_ones()
    {
        Single("""
            {"workflows": {"review": {"steps": [{"step_type": "agent"}]}, "publish": {"steps": [{"step_type": "tool"}]}},
             "steps": [{"name": "x", "step_type": "workflow", "workflow": "reveiw"}]}
            """).Should().Be(new ValidationError("$.steps[0].workflow",
                "unknown workflow 'reveiw'; did you mean 'review'? (named workflows: review, publish)"));
        Single("""{"steps": [{"step_type": "workflow", "workflow": "ghost"}]}""").Message
            .Should().Be("unknown workflow 'ghost': no named workflows are defined; define it under 'workflows' or give the workflow inline");
    }

    [Fact]
    public void Cycles_among_named_workflows_are_named()
    {
        Single("""
            {"workflows": {
               "a": {"steps": [{"name": "to-b", "step_type": "workflow", "workflow": "b"}]},
               "b": {"steps": [{"name": "nested", "step_type": "workflow", "workflow": {"steps": [{"name": "to-a", "step_type": "workflow", "workflow": "a"}]}}]}},
             "steps": [{"name": "start", "step_type": "workflow", "workflow": "a"}]}
            """).Should().Be(new ValidationError("$.workflows.b.steps[0].workflow.steps[0].workflow",
                "named workflows call each other in a cycle: a → b → a; a workflow cannot run itself, directly or through others (use a loop workflow to repeat work)"));
        Single("""{"workflows": {"self": {"steps": [{"step_type": "workflow", "workflow": "self"}]}}, "steps": [{"step_type": "agent"}]}""")
            .Message.Should().StartWith("named workflows call each other in a cycle: self → self;");
    }

    [Fact]
    public void A_while_loop_needs_max_iterations()
    {
        Single("""{"type": "loop", "loop": {"while": {"exists": "input.more"}}, "steps": [{"step_type": "agent"}]}""")
            .Should().Be(new ValidationError("$.loop.max_iterations",
                "a 'while' loop needs 'max_iterations' so that it cannot run forever; add e.g. \"max_iterations\": 10"));
    }

    [Fact]
    public void Loop_limits_are_checked()
    {
        var errors = Errors("""
            {"type": "loop", "loop": {"range": {"start": 0, "end": 10, "step": 0}, "max_iterations": 0, "aggregation": {"first_n": 0}, "delay_ms": -1},
             "steps": [{"step_type": "agent"}]}
            """);
        errors.Should().Equal(
            new ValidationError("$.loop.range.step", "range step cannot be 0 (the loop would never advance); use a positive step, or a negative one to count down"),
            new ValidationError("$.loop.max_iterations", "max_iterations must be at least 1, got 0"),
            new ValidationError("$.loop.aggregation.first_n", "first_n must be at least 1, got 0"),
            new ValidationError("$.loop.delay_ms", "delay_ms cannot be negative, got -1"));
    }

    [Fact]
    public void A_loop_needs_exactly_one_iterator()
    {
        Single("""{"type": "loop", "loop": {}, "steps": [{"step_type": "agent"}]}""").Path.Should().Be("$.loop");
        Single("""{"type": "loop", "loop": {"range": {"end": 1}, "for_each": [1]}, "steps": [{"step_type": "agent"}]}""")
            .Should().Be(new ValidationError("$.loop.for_each", "a loop takes exactly one of 'range', 'for_each' or 'while', got range and for_each; keep one"));
        Single("""{"type": "loop", "steps": [{"step_type": "agent"}]}""").Path.Should().Be("$.loop");
    }

    [Fact]
    public void Max_concurrency_must_be_at_least_one_wherever_it_is_set()
    {
        Single("""{"type": "parallel", "max_concurrency": 0, "steps": [{"step_type": "agent"}]}""")
            .Should().Be(new ValidationError("$.max_concurrency", "max_concurrency must be at least 1, got 0"));
        Single("""{"type": "parallel", "config": {"max_concurrency": -2}, "steps": [{"step_type": "agent"}]}""")
            .Should().Be(new ValidationError("$.config.max_concurrency", "max_concurrency must be at least 1, got -2"));
        Single("""{"max_concurrency": 2, "config": {"max_concurrency": 3}, "steps": [{"step_type": "agent"}]}""")
            .Should().Be(new ValidationError("$.max_concurrency", "max_concurrency is set both here and in config; keep one"));
    }

    [Fact]
    public void Timeouts_must_be_positive_and_are_reported_in_the_unit_written()
    {
        var errors = Errors("""
            {"timeout": 0, "config": {"step_timeout_ms": -5},
             "steps": [{"step_type": "agent", "timeout_s": -1}, {"step_type": "wait", "signal": "go", "timeout_ms": 0}]}
            """);
        errors.Should().Equal(
            new ValidationError("$.timeout", "timeout must be greater than 0, got 0 s"),
            new ValidationError("$.config.step_timeout_ms", "step_timeout_ms must be greater than 0, got -5 ms"),
            new ValidationError("$.steps[0].timeout_s", "timeout_s must be greater than 0, got -1 s"),
            new ValidationError("$.steps[1].timeout_ms", "timeout_ms must be greater than 0, got 0 ms"));
    }

    [Fact]
    public void Retry_needs_at_least_one_attempt()
    {
        var errors = Errors("""
            {"config": {"retry": {"max_attempts": 0}}, "steps": [{"step_type": "agent", "retry": {"max_attempts": -1, "jitter": 2}}]}
            """);
        errors.Should().Equal(
            new ValidationError("$.config.retry.max_attempts", "max_attempts must be at least 1 (it counts the first attempt), got 0"),
            new ValidationError("$.steps[0].retry.max_attempts", "max_attempts must be at least 1 (it counts the first attempt), got -1"),
            new ValidationError("$.steps[0].retry.jitter", "jitter is a fraction between 0 and 1, got 2"));
    }

    [Fact]
    public void A_conditional_workflow_needs_branches_and_at_most_one_default()
    {
        Single("""{"type": "conditional"}""").Should().Be(new ValidationError("$.branches",
            "a conditional workflow needs at least one branch; add \"branches\": [{\"condition\": ..., \"steps\": [...]}]"));
        Single("""
            {"type": "conditional", "branches": [
              {"name": "a", "default": true, "steps": [{"step_type": "agent"}]},
              {"name": "b", "condition": "always", "steps": [{"step_type": "agent"}]},
              {"name": "c", "default": true, "steps": [{"step_type": "agent"}]}]}
            """).Should().Be(new ValidationError("$.branches[2].default",
                "only one branch can be the default, and 'a' ($.branches[0]) already is; remove \"default\": true from one of them"));
    }

    [Fact]
    public void Conditional_branches_need_a_condition_or_default_and_parallel_ones_take_neither()
    {
        Single("""{"type": "conditional", "branches": [{"name": "x", "steps": [{"step_type": "agent"}]}]}""")
            .Should().Be(new ValidationError("$.branches[0].condition", "branch 'x' has no condition; add a 'condition', or mark it \"default\": true"));
        Errors("""{"type": "parallel", "branches": [{"condition": "always", "default": true, "steps": [{"step_type": "agent"}]}]}""")
            .Select(e => e.Path).Should().Equal("$.branches[0].condition", "$.branches[0].default");
        Single("""{"type": "conditional", "branches": [{"condition": "always", "optional": true, "steps": [{"step_type": "agent"}]}]}""")
            .Path.Should().Be("$.branches[0].optional");
    }

    [Fact]
    public void A_wait_step_needs_a_signal()
    {
        Single("""{"steps": [{"name": "approve", "step_type": "wait", "timeout_s": 60}]}""").Should().Be(new ValidationError("$.steps[0].signal",
            "a wait step needs a 'signal': the name of the signal the run waits for, e.g. \"signal\": \"approved\""));
    }

    [Fact]
    public void Wrong_json_types_say_what_was_expected_and_what_came()
    {
        Single("""{"steps": "step1"}""").Should().Be(new ValidationError("$.steps", "steps must be an array, got string 'step1'"));
        var errors = Errors("""{"name": 7, "config": {"fail_fast": "yes"}, "steps": [{"step_type": "agent", "max_tokens": 1.5, "retry": 3}, 42]}""");
        errors.Should().Equal(
            new ValidationError("$.name", "name must be a string, got number 7"),
            new ValidationError("$.config.fail_fast", "fail_fast must be true or false, got string 'yes'"),
            new ValidationError("$.steps[0].retry", "retry must be an object, got number 3"),
            new ValidationError("$.steps[0].max_tokens", "max_tokens must be a whole number, got number 1.5"),
            new ValidationError("$.steps[1]", "a step must be an object like {\"name\": \"...\", \"step_type\": \"agent\"}, got number"));
    }

    [Fact]
    public void Unknown_keys_suggest_the_closest_known_one()
    {
        var errors = Errors("""{"nmae": "x", "steps": [{"step_typ": "agent"}], "config": {"max_concurency": 2, "zzz": 1}}""");
        errors.Should().Contain(new ValidationError("$.nmae", "unknown key 'nmae'; did you mean 'name'?"));
        errors.Should().Contain(new ValidationError("$.config.max_concurency", "unknown key 'max_concurency'; did you mean 'max_concurrency'?"));
        errors.Should().Contain(e => e.Path == "$.config.zzz" && e.Message.StartsWith("unknown key 'zzz'; known keys here: timeout_s, timeout_ms,"));
        errors.Should().Contain(e => e.Path == "$.steps[0].step_typ" && e.Message == "unknown key 'step_typ'; did you mean 'step_type'?");
    }

    [Fact]
    public void Keys_of_another_step_kind_are_called_misplaced_not_unknown()
    {
        Single("""{"steps": [{"step_type": "agent", "parameters": {"q": 1}}]}""").Should().Be(new ValidationError("$.steps[0].parameters",
            "'parameters' is for tool steps, and this is an agent step; remove it or change step_type"));
        Single("""{"steps": [{"step_type": {"Tool": {"tool_name": "x", "input": "y"}}}]}""").Should().Be(new ValidationError("$.steps[0].step_type.Tool.input",
            "'input' is for agent and workflow steps, and this is a tool step; remove it or change step_type"));
    }

    [Fact]
    public void A_setting_given_twice_under_two_names_is_rejected()
    {
        Errors("""
            {"config": {"timeout_s": 10, "timeout_ms": 10000},
             "steps": [{"type": "tool", "step_type": "tool", "tool": "a", "tool_name": "b"},
                       {"step_type": {"Agent": {"input": "x"}}, "input": "y"},
                       {"step_type": "agent", "max_tokens": 1e20}]}
            """).Should().Equal(
            new ValidationError("$.config.timeout_ms", "both timeout_s and timeout_ms are set; keep one"),
            new ValidationError("$.steps[0].type", "both type and step_type are set; keep one"),
            new ValidationError("$.steps[0].tool", "both tool and tool_name are set; keep one"),
            new ValidationError("$.steps[1].input", "input is set both here and in step_type.Agent; keep one"),
            new ValidationError("$.steps[2].max_tokens", "max_tokens is too large: 1e20"));
    }

    [Fact]
    public void Conditions_are_checked_for_shape_and_values()
    {
        var errors = Errors("""
            {"type": "conditional", "branches": [
              {"condition": {"gt": {"path": "input.x", "value": "high"}}, "steps": [{"step_type": "agent"}]},
              {"condition": {"matches": {"path": "input.x", "value": "([a-z"}}, "steps": [{"step_type": "agent"}]},
              {"condition": {"equals": {"path": "input.x"}, "lt": {"path": "input.y", "value": 1}}, "steps": [{"step_type": "agent"}]},
              {"condition": {"and": [{"classify": {}}]}, "steps": [{"step_type": "agent"}]},
              {"condition": {"equls": {"path": "input.x", "value": 1}}, "steps": [{"step_type": "agent"}]},
              {"condition": "sometimes", "steps": [{"step_type": "agent"}]}]}
            """);
        errors.Select(e => e.Path).Should().Equal(
            "$.branches[2].condition",
            "$.branches[4].condition.equls",
            "$.branches[5].condition",
            "$.branches[0].condition.gt.value",
            "$.branches[1].condition.matches.value",
            "$.branches[3].condition.and[0].classify");
        errors[0].Message.Should().Be("a condition object has exactly one key, got 2 (equals, lt); combine conditions with \"and\": [...] or \"or\": [...]");
        errors[1].Message.Should().Be("unknown condition 'equls'; did you mean 'equals'?");
        errors[3].Message.Should().Be("gt compares numbers, so value must be a number, got string");
        errors[4].Message.Should().StartWith("'([a-z' is not a valid regular expression:");
    }

    [Fact]
    public void Several_errors_are_reported_together()
    {
        var errors = Errors("""
            {"type": "parallel", "max_concurrency": 0,
             "steps": [{"name": "a", "step_type": "custom"}, {"name": "a", "step_type": "agent", "input": "{{steps.ghost.output}}"},
                       {"name": "w", "step_type": "wait"}]}
            """);
        errors.Select(e => e.Path).Should().BeEquivalentTo(
            "$.max_concurrency", "$.steps[0].step_type", "$.steps[1].name", "$.steps[1].input", "$.steps[2].signal");
    }

    [Fact]
    public void A_definition_built_in_code_is_validated_with_synthesized_paths()
    {
        var definition = new WorkflowDefinition
        {
            Name = "built",
            Type = WorkflowType.Conditional,
            Config = WorkflowConfig.Default with { MaxConcurrency = 0 },
            Branches =
            [
                new BranchDefinition { Name = "hi", Condition = new CompareCondition(CompareOperator.GreaterThan, DataPath.Parse("steps.score.output"), JsonValue.Create(3)), Steps = [Agent("a", "{{loop.item}}")] },
                new BranchDefinition { Name = "lo", Steps = [Agent("a"), new StepDefinition { Name = "w", Kind = StepKind.Workflow, Workflow = new WorkflowStepSpec { Name = "missing" } }] },
            ],
        };

        WorkflowValidator.Validate(definition).Should().Equal(
            new ValidationError("$.config.max_concurrency", "max_concurrency must be at least 1, got 0"),
            new ValidationError("$.branches[1].steps[0].name",
                "duplicate step name 'a' (also at $.branches[0].steps[0]); step names must be unique within a workflow because references name them (steps.a.output)"),
            new ValidationError("$.branches[0].condition.gt.path", "reference {{steps.score.output}} names unknown step 'score' (known steps: a, w)"),
            new ValidationError("$.branches[1].condition", "branch 'lo' has no condition; add a 'condition', or mark it \"default\": true"),
            new ValidationError("$.branches[1].steps[1].workflow", "unknown workflow 'missing': no named workflows are defined; define it under 'workflows' or give the workflow inline"),
            new ValidationError("$.branches[0].steps[0].input",
                "reference {{loop.item}} is only available inside a loop body (a loop workflow's steps, its while and break_when); move this step into a loop"));
    }

    [Fact]
    public void A_valid_definition_built_in_code_has_no_errors()
    {
        var definition = new WorkflowDefinition
        {
            Name = "ok",
            Type = WorkflowType.Loop,
            Loop = new LoopSpec { Iterator = new ForEachIterator { Source = DataPath.Parse("input.items") }, BreakWhen = new ExistsCondition(DataPath.Parse("steps.a.output.done")) },
            Steps = [Agent("a", "Handle {{loop.item}}"), new StepDefinition { Name = "b", Kind = StepKind.Tool, Tool = new ToolStepSpec { ToolName = "t", Parameters = new JsonObject { ["x"] = "{{steps.a.output}}" } } }],
        };
        WorkflowValidator.Validate(definition).Should().BeEmpty();
    }

    [Fact]
    public void Step_names_that_references_cannot_name_are_rejected()
    {
        Single("""{"steps": [{"name": "fetch data", "step_type": "agent"}]}""").Should().Be(new ValidationError("$.steps[0].name",
            "step name 'fetch data' cannot be used in references (steps.NAME.output); use letters, digits, '-' and '_'"));
    }
}
