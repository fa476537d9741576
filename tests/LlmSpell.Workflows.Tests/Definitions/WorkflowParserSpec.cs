using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Definitions;

public sealed class WorkflowParserSpec
{
    private static WorkflowDefinition Parse(string format, string json, string yaml) =>
        format == "json" ? WorkflowParser.ParseJson(json) : WorkflowParser.ParseYaml(yaml);

    private static IReadOnlyList<ValidationError> ErrorsOfYaml(string yaml) =>
        FluentActions.Invoking(() => WorkflowParser.ParseYaml(yaml)).Should().Throw<WorkflowValidationException>().Which.Errors;

    private static IReadOnlyList<ValidationError> ErrorsOfJson(string json) =>
        FluentActions.Invoking(() => WorkflowParser.ParseJson(json)).Should().Throw<WorkflowValidationException>().Which.Errors;

    [Fact]
    public void Defined_steps_count_the_nested_and_the_named_workflows_steps_once_each()
    {
        var workflow = WorkflowParser.ParseJson("""
            {"name": "publish-article",
             "workflows": {"review": {"type": "parallel", "branches": [
               {"name": "style", "steps": [{"name": "style-check", "step_type": "agent"}]},
               {"name": "facts", "steps": [{"name": "fact-check", "step_type": "tool", "tool": "calculator"}]}]}},
             "steps": [
               {"name": "draft", "step_type": "agent"},
               {"name": "check", "step_type": "workflow", "workflow": "review"},
               {"name": "again", "step_type": "workflow", "workflow": "review"},
               {"name": "finish", "step_type": "workflow", "workflow": {"steps": [
                 {"name": "publish", "step_type": "tool", "tool": "calculator"},
                 {"name": "inner", "step_type": "workflow", "workflow": {"type": "parallel", "steps": [
                   {"name": "p1", "step_type": "agent"}, {"name": "p2", "step_type": "agent"}]}}]}}]}
            """);

        // draft, check, again, finish; publish, inner; p1, p2; style-check and fact-check once, though named twice.
        workflow.DefinedSteps.Should().Be(10);
    }

    [Fact]
    public void The_specs_simple_format_gives_a_sequential_custom_workflow()
    {
        var workflow = WorkflowParser.ParseJson("""{"steps":[{"name":"step1","step_type":"agent"},{"name":"step2","step_type":"tool"}]}""");

        workflow.Name.Should().Be("custom-workflow");
        workflow.Type.Should().Be(WorkflowType.Sequential);
        workflow.Steps.Select(s => (s.Name, s.Kind)).Should().Equal(("step1", StepKind.Agent), ("step2", StepKind.Tool));
        workflow.Steps[0].Agent.Should().NotBeNull();
        workflow.Steps[1].Tool!.Parameters.Should().BeEmpty();
        workflow.Config.Should().BeSameAs(WorkflowConfig.Default);
    }

    [Fact]
    public void Steps_default_to_step_N_and_their_description_to_their_name()
    {
        var workflow = WorkflowParser.ParseJson("""
            {"steps": [{"step_type": "agent"}, {"name": "search", "step_type": "tool"}, {"step_type": "agent", "description": "Summarize"}]}
            """);

        workflow.Steps.Select(s => s.Name).Should().Equal("step-1", "search", "step-3");
        workflow.Steps.Select(s => s.Description).Should().Equal("step-1", "search", "Summarize");
    }

    [Fact]
    public void The_specs_object_step_type_form_carries_the_details()
    {
        var workflow = WorkflowParser.ParseJson("""
            {"steps": [
              {"name": "step1", "step_type": {"Agent": {"agent_id": "summarizer", "input": "Analyze this"}}},
              {"name": "step2", "step_type": {"Tool": {"tool_name": "web-search", "parameters": {"query": "{{steps.step1.output}}"}}}}
            ]}
            """);

        workflow.Steps[0].Kind.Should().Be(StepKind.Agent);
        workflow.Steps[0].Agent!.AgentId.Should().Be("summarizer");
        workflow.Steps[0].Agent!.Input.Should().Be("Analyze this");
        workflow.Steps[1].Kind.Should().Be(StepKind.Tool);
        workflow.Steps[1].Tool!.ToolName.Should().Be("web-search");
        workflow.Steps[1].Tool!.Parameters["query"]!.GetValue<string>().Should().Be("{{steps.step1.output}}");
    }

    [Fact]
    public void A_template_wrapper_object_is_unwrapped()
    {
        var workflow = WorkflowParser.ParseJson("""{"workflow_config": {"name": "wrapped", "steps": [{"step_type": "agent"}]}}""");
        workflow.Name.Should().Be("wrapped");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void A_sequential_workflow_reads_every_step_field(string format)
    {
        var workflow = Parse(format, """
            {
              "name": "data-pipeline",
              "description": "ETL",
              "config": {"timeout_s": 300, "step_timeout_ms": 45000, "error_strategy": "retry", "retry": {"max_attempts": 4}},
              "steps": [
                {"name": "extract", "type": "tool", "tool": "http-get", "parameters": {"url": "{{input.url}}", "retries": 2},
                 "retry": {"max_attempts": 3, "initial_backoff_ms": 100, "max_backoff_ms": 2000, "multiplier": 3, "jitter": 0.2},
                 "timeout_s": 10, "error_strategy": "continue"},
                {"name": "transform", "step_type": "agent", "model": "ollama/llama3.2:3b", "system_prompt": "You clean data.",
                 "input": "Clean: {{steps.extract.output}}", "temperature": 0.2, "max_tokens": 500, "include_step_outputs": true,
                 "timeout_ms": 1500}
              ]
            }
            """, """
            name: data-pipeline
            description: ETL
            config:
              timeout_s: 300
              step_timeout_ms: 45000
              error_strategy: retry
              retry: {max_attempts: 4}
            steps:
              - name: extract
                type: tool
                tool: http-get
                parameters:
                  url: "{{input.url}}"
                  retries: 2
                retry: {max_attempts: 3, initial_backoff_ms: 100, max_backoff_ms: 2000, multiplier: 3, jitter: 0.2}
                timeout_s: 10
                error_strategy: continue
              - name: transform
                step_type: agent
                model: ollama/llama3.2:3b
                system_prompt: You clean data.
                input: "Clean: {{steps.extract.output}}"
                temperature: 0.2
                max_tokens: 500
                include_step_outputs: true
                timeout_ms: 1500
            """);

        workflow.Name.Should().Be("data-pipeline");
        workflow.Description.Should().Be("ETL");
        workflow.Config.Timeout.Should().Be(TimeSpan.FromSeconds(300));
        workflow.Config.StepTimeout.Should().Be(TimeSpan.FromSeconds(45));
        workflow.Config.ErrorStrategy.Should().Be(ErrorStrategy.Retry);
        workflow.Config.Retry.MaxAttempts.Should().Be(4);
        workflow.Config.MaxConcurrency.Should().Be(4, "unset values keep the defaults");

        var extract = workflow.Steps[0];
        extract.Tool!.ToolName.Should().Be("http-get");
        extract.Tool.Parameters["url"]!.GetValue<string>().Should().Be("{{input.url}}");
        extract.Tool.Parameters["retries"]!.GetValue<long>().Should().Be(2);
        extract.Retry.Should().Be(new RetryPolicy
        {
            MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(2), Multiplier = 3, Jitter = 0.2,
        });
        extract.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        extract.ErrorStrategy.Should().Be(ErrorStrategy.Continue);

        var transform = workflow.Steps[1];
        transform.Agent.Should().Be(new AgentStepSpec
        {
            Model = "ollama/llama3.2:3b", SystemPrompt = "You clean data.", Input = "Clean: {{steps.extract.output}}",
            Temperature = 0.2, MaxTokens = 500, IncludeStepOutputs = true,
        });
        transform.Timeout.Should().Be(TimeSpan.FromMilliseconds(1500));
        transform.Retry.Should().BeNull("a step without retry uses the workflow's policy");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void A_parallel_workflow_reads_branches_and_the_specs_top_level_settings(string format)
    {
        var workflow = Parse(format, """
            {
              "name": "multi-analysis", "type": "parallel",
              "max_concurrency": 2, "fail_fast": false, "timeout": null, "continue_on_optional_failure": false,
              "branches": [
                {"name": "sentiment", "steps": [{"step_type": "agent", "input": "Sentiment of {{input.text}}"}]},
                {"name": "entities", "optional": true, "timeout_s": 30, "steps": [{"step_type": "agent"}, {"step_type": "tool", "tool": "ner"}]},
                {"steps": [{"name": "summary", "step_type": "agent"}], "required": true}
              ]
            }
            """, """
            name: multi-analysis
            type: parallel
            max_concurrency: 2
            fail_fast: false
            timeout: null
            continue_on_optional_failure: false
            branches:
              - name: sentiment
                steps:
                  - step_type: agent
                    input: "Sentiment of {{input.text}}"
              - name: entities
                optional: true
                timeout_s: 30
                steps:
                  - step_type: agent
                  - {step_type: tool, tool: ner}
              - steps: [{name: summary, step_type: agent}]
                required: true
            """);

        workflow.Type.Should().Be(WorkflowType.Parallel);
        workflow.Config.MaxConcurrency.Should().Be(2);
        workflow.Config.FailFast.Should().BeFalse();
        workflow.Config.ContinueOnOptionalFailure.Should().BeFalse();
        workflow.Config.Timeout.Should().Be(WorkflowConfig.Default.Timeout, "a null timeout means the default");
        workflow.Branches.Select(b => (b.Name, b.Required)).Should().Equal(("sentiment", true), ("entities", false), ("branch-3", true));
        workflow.Branches[1].Timeout.Should().Be(TimeSpan.FromSeconds(30));
        workflow.Branches[1].Steps.Select(s => s.Name).Should().Equal("entities-step-1", "entities-step-2");
        workflow.Steps.Should().BeEmpty();
    }

    [Fact]
    public void A_parallel_workflow_with_steps_gets_one_branch_per_step_named_after_it()
    {
        var workflow = WorkflowParser.ParseJson("""
            {"type": "parallel", "steps": [{"name": "math1", "step_type": "agent"}, {"name": "math2", "step_type": "agent"}]}
            """);

        workflow.Steps.Should().BeEmpty();
        workflow.Branches.Select(b => b.Name).Should().Equal("math1", "math2");
        workflow.Branches.Should().AllSatisfy(b => b.Steps.Should().ContainSingle().Which.Name.Should().Be(b.Name));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void A_conditional_workflow_reads_every_kind_of_condition(string format)
    {
        var workflow = Parse(format, """
            {
              "name": "router", "type": "conditional", "config": {"mode": "all_matches"},
              "branches": [
                {"name": "high", "condition": {"gt": {"path": "input.score", "value": 0.8}}, "steps": [{"step_type": "agent"}]},
                {"name": "mixed", "condition": {"and": [
                    {"exists": "input.text"},
                    {"or": [{"equals": {"path": "{{input.lang}}", "value": "en"}}, {"matches": {"path": "input.lang", "value": "^de"}}]},
                    {"not": {"contains": {"path": "input.tags", "value": "spam"}}},
                    {"lte": {"path": "input.size", "value": 10}}, "always"
                  ]}, "steps": [{"step_type": "agent"}]},
                {"name": "urgent", "condition": {"classify": {"label": "urgent", "input": "{{input.text}}", "model": "ollama/llama3.2:3b", "instructions": "Is it urgent?"}},
                 "steps": [{"step_type": "agent"}]},
                {"name": "never", "condition": "never", "steps": [{"step_type": "agent"}]},
                {"name": "rest", "default": true, "steps": [{"step_type": "tool"}]}
              ]
            }
            """, """
            name: router
            type: conditional
            config: {mode: all_matches}
            branches:
              - name: high
                condition: {gt: {path: input.score, value: 0.8}}
                steps: [{step_type: agent}]
              - name: mixed
                condition:
                  and:
                    - exists: input.text
                    - or:
                        - equals: {path: "{{input.lang}}", value: en}
                        - matches: {path: input.lang, value: ^de}
                    - not: {contains: {path: input.tags, value: spam}}
                    - lte: {path: input.size, value: 10}
                    - always
                steps: [{step_type: agent}]
              - name: urgent
                condition:
                  classify: {label: urgent, input: "{{input.text}}", model: ollama/llama3.2:3b, instructions: Is it urgent?}
                steps: [{step_type: agent}]
              - name: never
                condition: never
                steps: [{step_type: agent}]
              - name: rest
                default: true
                steps: [{step_type: tool}]
            """);

        workflow.Config.ConditionalMode.Should().Be(ConditionalMode.AllMatches);
        var high = workflow.Branches[0].Condition.Should().BeOfType<CompareCondition>().Subject;
        high.Operator.Should().Be(CompareOperator.GreaterThan);
        high.Path.Root.Should().Be(DataRoot.Input);
        high.Value!.GetValue<double>().Should().Be(0.8);
        workflow.Branches[1].Condition!.Describe().Should().Be(
            "(exists input.text and (input.lang == \"en\" or input.lang matches \"^de\") and not input.tags contains \"spam\" and input.size <= 10 and always)");
        workflow.Branches[2].Condition.Should().Be(new ClassifyCondition
        {
            Label = "urgent", Input = "{{input.text}}", Model = "ollama/llama3.2:3b", Instructions = "Is it urgent?",
        });
        workflow.Branches[3].Condition.Should().BeSameAs(NeverCondition.Instance);
        workflow.Branches[4].IsDefault.Should().BeTrue();
        workflow.Branches[4].Condition.Should().BeNull();
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void A_for_each_loop_reads_its_source_and_limits(string format)
    {
        var workflow = Parse(format, """
            {"type": "loop", "loop": {"for_each": "{{input.items}}", "max_iterations": 50, "aggregation": {"last_n": 3}, "delay_ms": 250,
                                     "break_when": {"equals": {"path": "steps.check.output", "value": "stop"}}},
             "steps": [{"name": "check", "step_type": "agent", "input": "Item {{loop.index}}: {{loop.item}}"}]}
            """, """
            type: loop
            loop:
              for_each: "{{input.items}}"
              max_iterations: 50
              aggregation: {last_n: 3}
              delay_ms: 250
              break_when: {equals: {path: steps.check.output, value: stop}}
            steps:
              - {name: check, step_type: agent, input: "Item {{loop.index}}: {{loop.item}}"}
            """);

        var loop = workflow.Loop!;
        loop.Iterator.Should().BeOfType<ForEachIterator>().Which.Source!.Text.Should().Be("input.items");
        loop.MaxIterations.Should().Be(50);
        loop.Aggregation.Should().Be(LoopAggregation.LastN);
        loop.AggregationCount.Should().Be(3);
        loop.DelayBetweenIterations.Should().Be(TimeSpan.FromMilliseconds(250));
        loop.BreakWhen!.Describe().Should().Be("steps.check.output == \"stop\"");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void Range_while_and_literal_for_each_loops_read_their_iterators(string format)
    {
        var workflow = Parse(format, """
            {"name": "outer", "steps": [
              {"name": "count", "step_type": "workflow", "workflow": {"type": "loop", "loop": {"range": {"start": 10, "end": 0, "step": -2}, "aggregation": "last"},
                                                                    "steps": [{"step_type": "agent"}]}},
              {"name": "poll", "step_type": "workflow", "workflow": {"type": "loop", "loop": {"while": {"not": {"exists": "steps.done.output"}}, "max_iterations": 5},
                                                                    "steps": [{"name": "done", "step_type": "tool"}]}},
              {"name": "each", "step_type": "workflow", "workflow": {"type": "loop", "loop": {"for_each": [1, "two", {"n": 3}], "aggregation": "none"},
                                                                   "steps": [{"step_type": "agent"}]}}
            ]}
            """, """
            name: outer
            steps:
              - name: count
                step_type: workflow
                workflow:
                  type: loop
                  loop: {range: {start: 10, end: 0, step: -2}, aggregation: last}
                  steps: [{step_type: agent}]
              - name: poll
                step_type: workflow
                workflow:
                  type: loop
                  loop: {while: {not: {exists: steps.done.output}}, max_iterations: 5}
                  steps: [{name: done, step_type: tool}]
              - name: each
                step_type: workflow
                workflow:
                  type: loop
                  loop:
                    for_each: [1, two, {n: 3}]
                    aggregation: none
                  steps: [{step_type: agent}]
            """);

        var count = workflow.Steps[0].Workflow!.Inline!;
        count.Name.Should().Be("count", "an inline workflow is named after its step unless it has a name");
        count.Loop!.Iterator.Should().Be(new RangeIterator(10, 0, -2));
        count.Loop.Aggregation.Should().Be(LoopAggregation.Last);
        var poll = workflow.Steps[1].Workflow!.Inline!.Loop!;
        poll.Iterator.Should().BeOfType<WhileIterator>().Which.Condition.Describe().Should().Be("not exists steps.done.output");
        poll.MaxIterations.Should().Be(5);
        var each = workflow.Steps[2].Workflow!.Inline!.Loop!;
        each.Iterator.Should().BeOfType<ForEachIterator>().Which.Items!.ToJsonString().Should().Be("""[1,"two",{"n":3}]""");
        each.Aggregation.Should().Be(LoopAggregation.None);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void Named_workflows_inline_workflows_and_wait_steps_are_read(string format)
    {
        var workflow = Parse(format, """
            {
              "name": "publish",
              "workflows": {
                "review": {"steps": [{"name": "critique", "step_type": "agent", "input": "Review {{steps.draft.output}}"}]}
              },
              "steps": [
                {"name": "draft", "step_type": "agent"},
                {"name": "check", "step_type": "workflow", "workflow": "review", "input": {"text": "{{steps.draft.output}}"}},
                {"name": "approve", "step_type": "wait", "signal": "approved", "timeout_s": 3600, "default": {"approved": false}},
                {"name": "finish", "step_type": "workflow", "workflow": {"name": "finalize", "steps": [{"step_type": "tool", "tool": "publish"}]}}
              ]
            }
            """, """
            name: publish
            workflows:
              review:
                steps:
                  - {name: critique, step_type: agent, input: "Review {{steps.draft.output}}"}
            steps:
              - {name: draft, step_type: agent}
              - name: check
                step_type: workflow
                workflow: review
                input: {text: "{{steps.draft.output}}"}
              - name: approve
                step_type: wait
                signal: approved
                timeout_s: 3600
                default: {approved: false}
              - name: finish
                step_type: workflow
                workflow:
                  name: finalize
                  steps: [{step_type: tool, tool: publish}]
            """);

        workflow.Workflows.Should().ContainKey("review");
        workflow.Workflows["review"].Name.Should().Be("review");
        var check = workflow.Steps[1].Workflow!;
        check.Name.Should().Be("review");
        check.Inline.Should().BeNull();
        check.Input!["text"]!.GetValue<string>().Should().Be("{{steps.draft.output}}");
        var wait = workflow.Steps[2].Wait!;
        wait.Signal.Should().Be("approved");
        wait.Timeout.Should().Be(TimeSpan.FromHours(1));
        wait.Default!["approved"]!.GetValue<bool>().Should().BeFalse();
        workflow.Steps[2].Timeout.Should().BeNull("a wait step's timeout_s is how long it waits");
        workflow.Steps[3].Workflow!.Inline!.Name.Should().Be("finalize");
    }

    [Fact]
    public void Yaml_scalars_are_typed_as_the_core_schema_and_quoted_ones_stay_strings()
    {
        var workflow = WorkflowParser.ParseYaml("""
            steps:
              - step_type: tool
                parameters:
                  int: 42
                  negative: -7
                  hex: 0x1F
                  octal: 0o17
                  float: 0.5
                  exp: 1e3
                  yes_is_text: yes
                  on_is_text: on
                  bool: true
                  capital: False
                  tilde: ~
                  empty:
                  quoted_number: "42"
                  quoted_bool: 'true'
                  tagged: !!str 7
                  block: |
                    line
                  text: hello world
            """);

        var p = workflow.Steps[0].Tool!.Parameters;
        p["int"]!.ToJsonString().Should().Be("42");
        p["negative"]!.ToJsonString().Should().Be("-7");
        p["hex"]!.ToJsonString().Should().Be("31");
        p["octal"]!.ToJsonString().Should().Be("15");
        p["float"]!.ToJsonString().Should().Be("0.5");
        p["exp"]!.ToJsonString().Should().Be("1000");
        p["yes_is_text"]!.ToJsonString().Should().Be("\"yes\"");
        p["on_is_text"]!.ToJsonString().Should().Be("\"on\"");
        p["bool"]!.ToJsonString().Should().Be("true");
        p["capital"]!.ToJsonString().Should().Be("false");
        p["tilde"].Should().BeNull();
        p.ContainsKey("empty").Should().BeTrue();
        p["empty"].Should().BeNull();
        p["quoted_number"]!.ToJsonString().Should().Be("\"42\"");
        p["quoted_bool"]!.ToJsonString().Should().Be("\"true\"");
        p["tagged"]!.ToJsonString().Should().Be("\"7\"");
        p["block"]!.GetValue<string>().Should().Be("line\n");
        p["text"]!.GetValue<string>().Should().Be("hello world");
    }

    [Fact]
    public void Yaml_anchors_and_aliases_are_expanded()
    {
        var workflow = WorkflowParser.ParseYaml("""
            steps:
              - {name: a, step_type: tool, retry: &retry {max_attempts: 5}}
              - {name: b, step_type: tool, retry: *retry}
            """);
        workflow.Steps[1].Retry!.MaxAttempts.Should().Be(5);
    }

    [Fact]
    public void Malformed_json_is_reported_with_line_and_column()
    {
        var errors = ErrorsOfJson("{\n  \"steps\": [\n    {\"step_type\": \"agent\",}\n    {\"step_type\": \"tool\"}\n  ]\n}");
        errors.Should().ContainSingle().Which.Message.Should().StartWith("malformed JSON at line 4, column 5:");
    }

    [Fact]
    public void Malformed_yaml_is_reported_with_line_and_column()
    {
        var errors = ErrorsOfYaml("steps:\n  - step_type: agent\n   name: x\n");
        errors.Should().ContainSingle().Which.Message.Should().MatchRegex(@"^malformed YAML at line 3, column \d+: ");
    }

    [Theory]
    // A key at the wrong indent after a step's last value: the list of steps expected another '-', not the value.
    [InlineData("name: y\nsteps:\n  - name: a\n    step_type: tool\n  - name: b\n    step_type: tool\n   tool: uuid\n", "$.steps", 7)]
    // A value that runs on into the next line: the value's key.
    [InlineData("name: y\nsteps:\n  - name: a\n     step_type: tool\n", "$.steps[0].name", 4)]
    // An unclosed flow sequence after its first item: the sequence.
    [InlineData("name: y\nsteps:\n  - name: a\n    step_type: tool\n    tool: [uuid\n", "$.steps[0].tool", 6)]
    public void A_yaml_syntax_error_has_the_path_of_where_it_is(string yaml, string path, int line)
    {
        var errors = ErrorsOfYaml(yaml);
        var error = errors.Should().ContainSingle().Which;
        error.Path.Should().Be(path);
        error.Message.Should().StartWith($"malformed YAML at line {line},");
    }

    [Fact]
    public void An_unclosed_yaml_flow_sequence_is_reported_not_thrown()
    {
        var errors = ErrorsOfYaml("steps: [{step_type: agent}\nname: x\n");
        errors.Should().ContainSingle().Which.Message.Should().MatchRegex(@"^malformed YAML (near|at) line \d+, column \d+");
    }

    [Fact]
    public void Duplicate_keys_are_errors_in_json_and_yaml()
    {
        ErrorsOfJson("{\"steps\": [{\"step_type\": \"agent\",\n \"step_type\": \"tool\"}]}")
            .Should().ContainSingle().Which.Should().Be(new ValidationError("$.steps[0].step_type",
                "duplicate key 'step_type' at line 2, column 2; a key may appear only once in an object"));
        ErrorsOfYaml("steps:\n  - step_type: agent\n    step_type: tool\n")
            .Should().ContainSingle().Which.Should().Be(new ValidationError("$.steps[0].step_type",
                "duplicate key 'step_type' at line 3, column 5; a key may appear only once in a mapping"));
    }

    [Fact]
    public void A_node_parsed_elsewhere_with_a_duplicate_key_is_reported_not_thrown()
    {
        var node = JsonNode.Parse("""{"steps": [{"step_type": "agent"}], "steps": []}""")!;
        FluentActions.Invoking(() => WorkflowParser.Parse(node)).Should().Throw<WorkflowValidationException>()
            .Which.Errors.Should().ContainSingle().Which.Message.Should().StartWith("the JSON has a duplicate key:");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public void Values_a_definition_keeps_from_text_stand_alone(string format)
    {
        // Taken out of the parsed document, not copied: each can join another node, and none holds the document alive.
        var workflow = Parse(format,
            """{"steps": [{"name": "t", "step_type": "tool", "tool": "echo", "parameters": {"deep": [{"d": 1}]}}, {"name": "w", "step_type": "wait", "signal": "go", "default": {"ok": true}}]}""",
            "steps:\n  - {name: t, step_type: tool, tool: echo, parameters: {deep: [{d: 1}]}}\n  - {name: w, step_type: wait, signal: go, default: {ok: true}}\n");

        var parameters = workflow.Steps[0].Tool!.Parameters;
        var fallback = workflow.Steps[1].Wait!.Default!;
        parameters.Parent.Should().BeNull();
        fallback.Parent.Should().BeNull();
        new JsonObject { ["p"] = parameters, ["d"] = fallback }.ToJsonString().Should().Be("""{"p":{"deep":[{"d":1}]},"d":{"ok":true}}""");
    }

    [Fact]
    public void A_node_given_to_the_parser_is_left_as_it_was()
    {
        var node = JsonNode.Parse("""{"steps": [{"name": "t", "step_type": "tool", "tool": "echo", "parameters": {"x": 1}}]}""")!;
        var before = node.ToJsonString();

        var workflow = WorkflowParser.Parse(node);

        node.ToJsonString().Should().Be(before);
        ((object)workflow.Steps[0].Tool!.Parameters).Should().NotBeSameAs(node["steps"]![0]!["parameters"]);
        workflow.Steps[0].Tool!.Parameters.ToJsonString().Should().Be("""{"x":1}""");
    }

    [Fact]
    public void Yaml_with_several_documents_or_none_is_rejected()
    {
        ErrorsOfYaml("steps: [{step_type: agent}]\n---\nsteps: []\n").Should().ContainSingle()
            .Which.Message.Should().Contain("more than one document (another starts at line 2)");
        ErrorsOfYaml("").Should().ContainSingle().Which.Message.Should().StartWith("the YAML is empty");
    }

    [Fact]
    public void A_document_that_is_not_an_object_says_what_it_got()
    {
        ErrorsOfJson("[1, 2]").Should().ContainSingle().Which.Should().Be(new ValidationError("$",
            "a workflow definition must be an object with 'steps' (or 'branches'), got array"));
    }

    [Fact]
    public void The_exception_message_lists_every_error_prefixed_by_the_source()
    {
        var ex = FluentActions.Invoking(() => WorkflowParser.ParseJson("""{"type": "serial", "steps": "x"}""", "flows/a.json"))
            .Should().Throw<WorkflowValidationException>().Which;

        ex.SourceName.Should().Be("flows/a.json");
        ex.Message.Split('\n').Should().Equal(
            "flows/a.json: $.type: unknown workflow type 'serial'; use one of: sequential, parallel, conditional, loop",
            "flows/a.json: $.steps: steps must be an array, got string 'x'");
    }

    [Fact]
    public void Files_are_parsed_by_extension()
    {
        using var dir = new TempDir();
        var json = dir.Write("flow.json", """{"name": "from-json", "steps": [{"step_type": "agent"}]}""");
        var yaml = dir.Write("flow.YAML", "name: from-yaml\nsteps: [{step_type: agent}]\n");
        var yml = dir.Write("flow.yml", "name: from-yml\nsteps: [{step_type: agent}]\n");

        WorkflowParser.ParseFile(json).Name.Should().Be("from-json");
        WorkflowParser.ParseFile(yaml).Name.Should().Be("from-yaml");
        WorkflowParser.ParseFile(yml).Name.Should().Be("from-yml");
    }

    [Fact]
    public async Task Files_can_be_parsed_asynchronously()
    {
        using var dir = new TempDir();
        var yaml = dir.Write("flow.yaml", "name: async\nsteps: [{step_type: agent}]\n");
        (await WorkflowParser.ParseFileAsync(yaml)).Name.Should().Be("async");
    }

    [Fact]
    public void File_errors_name_the_file_the_format_and_what_is_missing()
    {
        using var dir = new TempDir();
        var txt = dir.Write("flow.txt", "steps: []");
        var bad = dir.Write("bad.yaml", "steps: [{step_type: custom}]\n");
        var missing = Path.Combine(dir.Path, "missing.json");

        FluentActions.Invoking(() => WorkflowParser.ParseFile(txt)).Should().Throw<WorkflowValidationException>()
            .Which.Message.Should().Be($"{txt}: $: cannot tell the format of a '.txt' file; name it .json, .yaml or .yml");
        FluentActions.Invoking(() => WorkflowParser.ParseFile(missing)).Should().Throw<WorkflowValidationException>()
            .Which.Message.Should().Be($"{missing}: $: file not found (looked for {missing})");
        FluentActions.Invoking(() => WorkflowParser.ParseFile(bad)).Should().Throw<WorkflowValidationException>()
            .Which.Message.Should().StartWith($"{bad}: $.steps[0].step_type: invalid step_type: 'custom'. Must be 'agent' or 'tool'");
    }

    [Fact]
    public void Parsed_nodes_are_copies_so_the_caller_may_change_the_document()
    {
        var document = JsonNode.Parse("""{"steps": [{"step_type": "tool", "parameters": {"q": "a"}}]}""")!;
        var workflow = WorkflowParser.Parse(document);
        document["steps"]![0]!["parameters"]!["q"] = "changed";
        workflow.Steps[0].Tool!.Parameters["q"]!.GetValue<string>().Should().Be("a");
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("llmspell-parser-").FullName;

        public string Write(string name, string content)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, content);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
