using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>Issue 21 through the real process: hostile definitions and inputs end with exit 0, 1 or 2 and one located line per error.</summary>
public sealed class HostileInputSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    private const string Calculator = """{"name": "calc", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1+1"}}""";

    private static string[] ErrorLines(CliRun run) => run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(l => !l.StartsWith('[')) // progress lines
        .ToArray();

    [Fact]
    public async Task Sixteen_nested_workflows_run_and_are_journaled()
    {
        using var dir = new TempDirectory();
        var workflow = $$"""{"steps": [{{Calculator}}]}""";
        for (var i = 0; i < 16; i++) workflow = $$"""{"type": "parallel", "steps": [{"name": "n{{i}}", "step_type": "workflow", "workflow": {{workflow}}}]}""";

        var run = await Offline.RunAsync("run", dir.File("nested.json", workflow), "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json["run_status"]!.GetValue<string>().Should().Be("completed");
    }

    [Fact]
    public async Task A_yaml_document_named_json_is_one_short_line_not_the_whole_document()
    {
        using var dir = new TempDirectory();
        var yaml = File.ReadAllText(Path.Combine(Support.Cli.RepositoryRoot, "config", "examples", "agent-support-router.yaml"));
        var file = dir.File("router.json", string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith('#'))));

        var run = await Offline.RunAsync("run", file);

        run.ExitCode.Should().Be(2, run.ToString());
        var line = ErrorLines(run).Should().ContainSingle().Which;
        line.Should().StartWith($"error: {file}: $: malformed JSON at line 1, column 2: 'name: agent-support-router\\ndescription:");
        line.Length.Should().BeLessThan(400);
    }

    [Fact]
    public async Task Values_with_line_breaks_and_huge_names_stay_on_one_line_each()
    {
        using var dir = new TempDirectory();
        var name = new string('x', 1 << 20) + " y";
        var file = dir.File("bad.json", $$"""{"steps": [{"name": "{{name}}", "step_type": "a\nb", "{{name}}": 1}]}""");

        var run = await Offline.RunAsync("run", file);

        run.ExitCode.Should().Be(2, run.ToString());
        var lines = ErrorLines(run);
        lines.Should().HaveCountGreaterThan(1).And.AllSatisfy(l => l.Length.Should().BeLessThan(1_100));
        lines.Should().Contain(l => l.Contains("$.steps[0].step_type: invalid step_type: 'a\\nb'"));
        run.Stderr.Length.Should().BeLessThan(10_000, "a 1 MB name is never echoed whole");
    }

    [Fact]
    public async Task Hundreds_of_errors_print_twenty_lines_and_a_count()
    {
        using var dir = new TempDirectory();
        var keys = string.Join(", ", Enumerable.Range(0, 500).Select(i => $"\"unknown_{i}\": 1"));
        var file = dir.File("many.json", $$"""{"steps": [{"name": "s", "step_type": "tool", {{keys}}}]}""");

        var run = await Offline.RunAsync("run", file);

        run.ExitCode.Should().Be(2, run.ToString());
        var lines = ErrorLines(run);
        lines.Should().HaveCount(21);
        lines[^1].Should().Be($"{file}: and 480 more errors (fix these and validate again to see them)");
    }

    [Theory]
    [InlineData("""{"config": {"timeout_ms": 1e11}, "steps": [CALC]}""", "$.config.timeout_ms: timeout_ms must be at most 4294967294 ms")]
    [InlineData("""{"steps": [{"name": "r", "step_type": "tool", "tool": "calculator", "retry": {"initial_backoff_ms": 0, "multiplier": 1e6}}]}""", "$.steps[0].retry.multiplier: multiplier must be at most 1000")]
    [InlineData("""{"steps": [{"name": "a\ud800", "step_type": "tool"}]}""", "$.steps[0].name: the string at line 1, column 21 has an escape that is not text")]
    public async Task Settings_the_runtime_cannot_honour_are_located_validation_errors(string json, string expected)
    {
        using var dir = new TempDirectory();
        var run = await Offline.RunAsync("run", dir.File("bad.json", json.Replace("CALC", Calculator)));

        run.ExitCode.Should().Be(2, run.ToString());
        ErrorLines(run).Should().ContainSingle().Which.Should().Contain(expected);
    }

    [Fact]
    public async Task Input_with_a_lone_surrogate_is_a_located_usage_error()
    {
        var run = await Offline.RunAsync("run", Path.Combine("config", "examples", "sales-report.json"), "--input", """{"a": "\ud800"}""");

        run.ExitCode.Should().Be(2, run.ToString());
        ErrorLines(run).Should().ContainSingle().Which.Should().Contain("--input").And.Contain("$.a: the string at line 1, column 7");
    }

    [Fact]
    public async Task The_support_router_without_input_fails_naming_the_branch_and_what_to_give()
    {
        var run = await Offline.RunAsync("run", Path.Combine("config", "examples", "agent-support-router.yaml"));

        run.ExitCode.Should().Be(1, run.ToString());
        var line = ErrorLines(run).Should().ContainSingle(l => l.StartsWith("error:")).Which;
        line.Should().Contain("branch 'billing': the input of its classify condition cannot be rendered")
            .And.Contain("--input '{\"message\": ...}'").And.NotContain("unexpected");
    }
}
