using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Workflows.Tests.Definitions;

/// <summary>Issue 21: definitions written to break the parser or the runtime end as located validation errors, or work.</summary>
public sealed class HostileDefinitionSpec
{
    private const string Calculator = """{"name": "calc", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1+1"}}""";

    private static IReadOnlyList<ValidationError> ErrorsOfJson(string json) =>
        FluentActions.Invoking(() => WorkflowParser.ParseJson(json)).Should().Throw<WorkflowValidationException>().Which.Errors;

    [Theory]
    [InlineData("""{"config": {"timeout_ms": 4294967295}, "steps": [STEP]}""", "$.config.timeout_ms", "4294967294 ms")]
    [InlineData("""{"config": {"timeout_s": 1e8}, "steps": [STEP]}""", "$.config.timeout_s", "4294967.294 s")]
    [InlineData("""{"config": {"step_timeout_ms": 1e11}, "steps": [STEP]}""", "$.config.step_timeout_ms", "4294967294 ms")]
    [InlineData("""{"type": "parallel", "timeout": 1e9, "steps": [STEP]}""", "$.timeout", "4294967.294 s")]
    [InlineData("""{"steps": [{"name": "w", "step_type": "wait", "signal": "go", "timeout_ms": 1e12}]}""", "$.steps[0].timeout_ms", "4294967294 ms")]
    [InlineData("""{"type": "parallel", "branches": [{"name": "b", "timeout_s": 5e6, "steps": [STEP]}]}""", "$.branches[0].timeout_s", "4294967.294 s")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "delay_ms": 5e9}, "steps": [STEP]}""", "$.loop.delay_ms", "4294967294 ms")]
    [InlineData("""{"steps": [{"name": "r", "step_type": "tool", "tool": "calculator", "retry": {"initial_backoff_ms": 5e9, "max_backoff_ms": 6e9}}]}""", "$.steps[0].retry.initial_backoff_ms", "4294967294 ms")]
    [InlineData("""{"steps": [{"name": "r", "step_type": "tool", "tool": "calculator", "retry": {"max_backoff_ms": 5e9}}]}""", "$.steps[0].retry.max_backoff_ms", "4294967294 ms")]
    public void Durations_a_timer_cannot_wait_are_refused_where_they_are_written(string json, string path, string limit)
    {
        ErrorsOfJson(json.Replace("STEP", Calculator)).Should().ContainSingle(e => e.Path == path)
            .Which.Message.Should().Contain($"at most {limit}").And.Contain("49.7 days");
    }

    [Theory]
    [InlineData("""{"name": "s", "step_type": "tool", "retry": {"max_attempts": 1001}}""", "$.steps[0].retry.max_attempts", "at most 1000")]
    [InlineData("""{"name": "s", "step_type": "tool", "retry": {"multiplier": 1e6}}""", "$.steps[0].retry.multiplier", "at most 1000")]
    [InlineData("""{"name": "s", "step_type": "agent", "max_tokens": 20000000}""", "$.steps[0].max_tokens", "at most 10000000")]
    public void Every_numeric_step_setting_has_an_upper_bound(string step, string path, string message)
    {
        ErrorsOfJson($$"""{"steps": [{{step}}]}""").Should().ContainSingle(e => e.Path == path).Which.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("""{"type": "parallel", "config": {"max_concurrency": 10001}, "steps": [STEP]}""", "$.config.max_concurrency")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "max_iterations": 1000001}, "steps": [STEP]}""", "$.loop.max_iterations")]
    [InlineData("""{"type": "loop", "loop": {"range": {"end": 2}, "aggregation": {"last_n": 1000001}}, "steps": [STEP]}""", "$.loop.aggregation.last_n")]
    public void Every_numeric_workflow_setting_has_an_upper_bound(string json, string path)
    {
        ErrorsOfJson(json.Replace("STEP", Calculator)).Should().ContainSingle(e => e.Path == path)
            .Which.Message.Should().Contain("must be at most");
    }

    [Fact]
    public void A_retry_with_no_backoff_and_a_huge_multiplier_waits_nothing_instead_of_NaN()
    {
        var policy = new RetryPolicy { MaxAttempts = 1000, InitialBackoff = TimeSpan.Zero, Multiplier = 1000, Jitter = 1 };
        for (var attempt = 2; attempt <= 1000; attempt += 97) policy.BackoffBefore(attempt, 0.99).Should().Be(TimeSpan.Zero);
        var growing = policy with { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = DefinitionLimits.MaxDuration };
        growing.BackoffBefore(1000, 0.5).Should().Be(DefinitionLimits.MaxDuration);
        WorkflowValidator.Validate(new WorkflowDefinition
        {
            Name = "w",
            Steps = [new StepDefinition { Name = "s", Kind = StepKind.Tool, Tool = new(), Retry = policy with { Multiplier = double.NaN } }],
        }).Should().ContainSingle().Which.Path.Should().Be("$.steps[0].retry.multiplier");
    }

    /// <summary>A workflow nested <paramref name="levels"/> deep, each level of <paramref name="type"/>, as JSON.</summary>
    internal static string Nesting(int levels, string type = "sequential")
    {
        var workflow = $$"""{"steps": [{{Calculator}}]}""";
        for (var i = 0; i < levels; i++)
            workflow = $$"""{"type": "{{type}}", "steps": [{"name": "n{{i}}", "step_type": "workflow", "workflow": {{workflow}}}]}""";
        return workflow;
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("parallel")]
    public void A_hundred_nested_workflows_parse_and_survive_the_journals_json(string type)
    {
        var definition = WorkflowParser.ParseJson(Nesting(DefinitionLimits.MaxNesting, type));

        var stored = WorkflowJson.SerializeDefinition(definition);
        var read = WorkflowJson.DeserializeDefinition(System.Text.Json.JsonSerializer.Deserialize<JsonNode>(stored.ToJsonString(WorkflowJson.Options), WorkflowJson.Options)!);
        var depth = 0;
        for (var w = read; w.OwnSteps.FirstOrDefault()?.Workflow?.Inline is { } inner; w = inner) depth++;
        depth.Should().Be(DefinitionLimits.MaxNesting);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_a_validation_error_at_the_level_that_is_too_deep()
    {
        var errors = ErrorsOfJson(Nesting(DefinitionLimits.MaxNesting + 1));

        var error = errors.Should().ContainSingle().Which;
        error.Message.Should().Contain($"nested more than {DefinitionLimits.MaxNesting} deep");
        var path = string.Concat(Enumerable.Repeat(".steps[0].workflow", DefinitionLimits.MaxNesting + 1)).Insert(0, "$");
        error.Path.Should().StartWith("$.steps[0].workflow.steps[0]").And.Contain("…").And.EndWith(path[^300..], "a deep path keeps its end");
    }

    /// <summary>Parameters nested <paramref name="levels"/> deep around <paramref name="value"/>, and the path of the value inside them.</summary>
    private static (string Json, string Path) DeepParameters(int levels, string value)
    {
        var (json, path) = (value, "");
        for (var i = 0; i < levels; i++)
            (json, path) = i % 2 == 0 ? ($"[0, {json}]", "[1]" + path) : ($$"""{"it's": {{json}}}""", "['it\\'s']" + path);
        return (json, path);
    }

    [Fact]
    public void An_error_deep_inside_parameters_names_its_exact_path_in_every_reader()
    {
        // Paths are made only for an error (issue 21's performance): the one made must still be the exact place.
        var (parameters, inner) = DeepParameters(60, "\"{{steps.nope.output}}\"");
        var json = $$$"""{"steps": [{{{Calculator}}}, {"name": "n", "step_type": "workflow", "workflow": {"steps": [{"name": "t", "step_type": "tool", "parameters": {"x": {{{parameters}}}}}]}}]}""";
        var expected = "$.steps[1].workflow.steps[0].parameters.x" + inner;
        expected.Length.Should().BeLessThan(ErrorText.MaxLine / 2, "the path is shown whole");

        ErrorsOfJson(json).Should().ContainSingle().Which.Path.Should().Be(expected);
        FluentActions.Invoking(() => WorkflowParser.ParseYaml(json)).Should().Throw<WorkflowValidationException>()
            .Which.Errors.Should().ContainSingle().Which.Path.Should().Be(expected);
        var (duplicate, duplicatePath) = DeepParameters(60, """{"k": 1, "k": 2}""");
        ErrorsOfJson(json.Replace("{\"x\": ", $"{{\"y\": {duplicate}, \"x\": ")).Should().ContainSingle()
            .Which.Path.Should().Be("$.steps[1].workflow.steps[0].parameters.y" + duplicatePath + ".k");
    }

    [Fact]
    public void A_long_value_copied_into_many_steps_is_held_once()
    {
        var value = new string('v', 100_000);
        var step = $$$"""{"step_type": "tool", "tool": "echo", "parameters": {"text": "{{{value}}}"}}""";
        var definition = WorkflowParser.ParseJson($$"""{"steps": [{{string.Join(", ", Enumerable.Repeat(step, 3))}}]}""");

        var texts = definition.Steps.Select(s => s.Tool!.Parameters["text"]!.GetValue<string>()).ToList();
        texts.Should().AllBe(value);
        texts.Distinct(ReferenceEqualityComparer.Instance).Should().ContainSingle("the copies share one string");
    }

    [Fact]
    public void A_document_nested_deeper_than_the_limit_is_refused_with_its_line_and_column()
    {
        var deep = new string('[', DefinitionLimits.MaxDocumentDepth + 1);
        ErrorsOfJson($$$"""{"steps": [{"name": "s", "step_type": "tool", "parameters": {"x": {{{deep}}}}}]}""")
            .Should().ContainSingle().Which.Message.Should().Contain("line 1, column").And.Contain($"depth of {DefinitionLimits.MaxDocumentDepth}");
        var yaml = "steps:\n  - name: s\n    step_type: tool\n    parameters: {x: " + deep + "}\n";
        FluentActions.Invoking(() => WorkflowParser.ParseYaml(yaml)).Should().Throw<WorkflowValidationException>()
            .Which.Errors.Should().ContainSingle().Which.Message.Should().Contain($"nested more than {DefinitionLimits.MaxDocumentDepth} levels");
    }

    [Theory]
    [InlineData("""{"steps": [{"name": "a\ud800", "step_type": "tool"}]}""", "$.steps[0].name", "line 1, column 21")]
    [InlineData("""{"steps": [{"name": "a", "step_type": "tool", "parameters": {"x\udc00": 1}}]}""", "$.steps[0].parameters", "line 1, column 62")]
    [InlineData("""{"steps": [{"name": "a", "step_type": "tool", "parameters": {"x": ["\ud83d\ud83d"]}}]}""", "$.steps[0].parameters.x[0]", "line 1, column 68")]
    public void A_lone_surrogate_escape_in_json_is_a_located_error(string json, string path, string where)
    {
        var error = ErrorsOfJson(json).Should().ContainSingle().Which;
        error.Path.Should().Be(path);
        error.Message.Should().Contain(where).And.Contain("surrogate pair");
    }

    [Fact]
    public void A_lone_surrogate_escape_in_yaml_is_a_located_error()
    {
        FluentActions.Invoking(() => WorkflowParser.ParseYaml("steps:\n  - name: \"a\\ud800\"\n    step_type: tool\n"))
            .Should().Throw<WorkflowValidationException>().Which.Errors.Should().ContainSingle().Which.Message.Should().Contain("line 2");
    }

    [Fact]
    public void A_surrogate_pair_is_text_like_any_other()
    {
        WorkflowParser.ParseJson("""{"steps": [{"name": "smile\ud83d\ude00", "step_type": "tool"}]}""").Steps[0].Name.Should().Be("smile😀");
    }

    [Fact]
    public void Nested_yaml_aliases_that_would_expand_to_billions_are_refused_at_the_alias()
    {
        var yaml = string.Join("\n",
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
            "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
            "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]",
            "steps: [*h]");

        var error = FluentActions.Invoking(() => WorkflowParser.ParseYaml(yaml)).Should().Throw<WorkflowValidationException>()
            .Which.Errors.Should().ContainSingle().Which;
        error.Message.Should().Contain($"copy more than {DefinitionLimits.MaxYamlAliasValues} values").And.Contain("line 6");
    }

    [Fact]
    public void A_definition_past_the_size_limit_is_refused_before_it_is_read_and_one_at_the_limit_parses()
    {
        var directory = Directory.CreateTempSubdirectory("llmspell-size-").FullName;
        try
        {
            var head = "{\"name\": \"big\", \"steps\": [{\"name\": \"a\", \"step_type\": \"tool\", \"tool\": \"echo\", \"description\": \"";
            var tail = "\"}]}";
            string Document(int size) => head + new string('x', size - head.Length - tail.Length) + tail;
            var file = Path.Combine(directory, "big.json");
            File.WriteAllText(file, Document(DefinitionLimits.MaxDocumentChars + 1));

            var error = FluentActions.Invoking(() => WorkflowParser.ParseFile(file)).Should().Throw<WorkflowValidationException>().Which;
            error.Message.Should().Be($"{file}: $: the definition is {DefinitionLimits.MaxDocumentChars + 1:N0} bytes, more than the " +
                $"{DefinitionLimits.MaxDocumentChars:N0} allowed; a definition carries steps, not data: give large data as the run's input, or in files its tools read");
            FluentActions.Invoking(() => WorkflowParser.ParseYaml(Document(DefinitionLimits.MaxDocumentChars + 1))).Should().Throw<WorkflowValidationException>()
                .Which.Errors.Should().ContainSingle().Which.Message.Should().StartWith($"the definition is {DefinitionLimits.MaxDocumentChars + 1:N0} characters");
            WorkflowParser.ParseJson(Document(DefinitionLimits.MaxDocumentChars)).Steps.Should().ContainSingle();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_definition_of_more_values_than_the_limit_is_refused_where_it_crosses_it()
    {
        // Eight values before the list (the root, steps, the step, its three strings, parameters, x): zeros fill the rest.
        var zeros = DefinitionLimits.MaxDocumentValues - 8 + 1;
        var list = string.Join(",", Enumerable.Repeat("0", zeros));
        var json = $$$"""{"steps": [{"name": "a", "step_type": "tool", "tool": "echo", "parameters": {"x": [{{{list}}}]}}]}""";

        var error = ErrorsOfJson(json).Should().ContainSingle().Which;
        error.Path.Should().Be($"$.steps[0].parameters.x[{zeros - 1}]");
        error.Message.Should().Be(DefinitionLimits.TooManyValues($"line 1, column {json.LastIndexOf(",0]", StringComparison.Ordinal) + 2}"));

        var yaml = FluentActions.Invoking(() => WorkflowParser.ParseYaml($"steps:\n  - name: a\n    step_type: tool\n    tool: echo\n    parameters:\n      x: [{list}]\n"))
            .Should().Throw<WorkflowValidationException>().Which.Errors.Should().ContainSingle().Which;
        yaml.Path.Should().StartWith("$.steps[0].parameters.x[");
        yaml.Message.Should().StartWith($"the definition has more than {DefinitionLimits.MaxDocumentValues:N0} values");

        // One value fewer is a definition like any other.
        var within = $$$"""{"steps": [{"name": "a", "step_type": "tool", "tool": "echo", "parameters": {"x": [{{{string.Join(",", Enumerable.Repeat("0", zeros - 1))}}}]}}]}""";
        WorkflowParser.ParseJson(within).Steps[0].Tool!.Parameters["x"]!.AsArray().Should().HaveCount(zeros - 1);
    }

    [Fact]
    public void Many_small_aliases_are_bounded_by_their_count()
    {
        var yaml = "x: &x 1\nsteps:\n  - name: s\n    step_type: tool\n    parameters:\n      v: [" + string.Join(", ", Enumerable.Repeat("*x", DefinitionLimits.MaxYamlAliases + 1)) + "]\n";
        FluentActions.Invoking(() => WorkflowParser.ParseYaml(yaml)).Should().Throw<WorkflowValidationException>()
            .Which.Errors.Should().ContainSingle().Which.Message.Should().Contain($"more than {DefinitionLimits.MaxYamlAliases} aliases");
    }

    [Fact]
    public void Aliases_within_the_bounds_still_work()
    {
        var definition = WorkflowParser.ParseYaml("steps:\n  - name: a\n    step_type: tool\n    parameters: {a: &v [1, 2], b: *v}\n");
        definition.Steps[0].Tool!.Parameters["b"]!.ToJsonString().Should().Be("[1,2]");
        WorkflowParser.ParseYaml("steps:\n  - &s {name: a, step_type: tool}\n").Steps.Should().ContainSingle();
    }

    [Fact]
    public void A_value_with_line_breaks_is_echoed_on_one_line()
    {
        var exception = FluentActions.Invoking(() => WorkflowParser.ParseJson("""{"steps": [{"name": "s", "step_type": "a\nb"}]}""", "f.json"))
            .Should().Throw<WorkflowValidationException>().Which;

        exception.Message.Should().Be("f.json: $.steps[0].step_type: invalid step_type: 'a\\nb'. Must be 'agent' or 'tool' (or 'workflow' or 'wait')");
    }

    [Fact]
    public void A_seven_megabyte_name_is_quoted_cut_short_in_every_error()
    {
        // Twice in the document, which stays under the size limit (DefinitionLimits.MaxDocumentChars).
        var name = new string('x', 7 << 20) + " y";
        var exception = FluentActions.Invoking(() => WorkflowParser.ParseJson($$"""{"steps": [{"name": "{{name}}", "step_type": "tool", "{{name}}": 1}]}"""))
            .Should().Throw<WorkflowValidationException>().Which;

        exception.Errors.Should().HaveCountGreaterThan(1);
        exception.Message.Split('\n').Should().AllSatisfy(line => line.Length.Should().BeLessThan(2 * ErrorText.MaxLine));
    }

    [Fact]
    public void Thousands_of_errors_show_the_first_twenty_and_count_the_rest()
    {
        var keys = string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\": 1"));
        var exception = FluentActions.Invoking(() => WorkflowParser.ParseJson($$"""{"steps": [{"name": "s", "step_type": "tool", {{keys}}}]}"""))
            .Should().Throw<WorkflowValidationException>().Which;

        exception.TotalCount.Should().Be(5_000);
        exception.Errors.Should().HaveCount(1_000, "a parse keeps a thousand and counts the rest");
        var lines = exception.Message.Split('\n');
        lines.Should().HaveCount(DefinitionLimits.MaxShownErrors + 1);
        lines[^1].Should().StartWith("and 4980 more errors");
    }
}
