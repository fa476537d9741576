using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell template list | info | schema</c>.</summary>
public sealed class TemplateInfoSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task List_shows_the_orchestrator_as_text_and_as_json()
    {
        var text = await Cli.RunAsync("template", "list");
        var json = await Cli.RunAsync("template", "list", "--output", "json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Stdout.Should().MatchRegex(@"workflow-orchestrator\s+workflow\s+0\.1\.0\s+Workflow Orchestrator");
        json.ExitCode.Should().Be(0);
        var first = json.Json.AsArray().Single()!;
        first["id"]!.GetValue<string>().Should().Be("workflow-orchestrator");
        first["category"]!.GetValue<string>().Should().Be("workflow");
        first["version"]!.GetValue<string>().Should().Be("0.1.0");
    }

    [Fact]
    public async Task Info_shows_every_parameter_with_its_default_and_constraints()
    {
        var run = await Cli.RunAsync("template", "info", "workflow-orchestrator");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().ContainAll("Workflow Orchestrator (workflow-orchestrator)", "Version: 0.1.0", "Category: workflow");
        run.Stdout.Should().MatchRegex(@"workflow_config\s+object\s+required");
        run.Stdout.Should().MatchRegex(@"execution_mode\s+enum\s+default ""sequential""; one of: sequential, parallel, hybrid, loop");
        run.Stdout.Should().MatchRegex(@"collect_intermediate\s+boolean\s+default true");
        run.Stdout.Should().MatchRegex(@"max_steps\s+integer\s+default 10; range 1–100");
        run.Stdout.Should().MatchRegex(@"model\s+string\s+default ""ollama/llama3.2:3b""");
        run.Stdout.Should().NotContain("\"parameters\"");
    }

    [Fact]
    public async Task Info_with_show_schema_appends_the_schema()
    {
        var run = await Cli.RunAsync("template", "info", "workflow-orchestrator", "--show-schema");

        run.ExitCode.Should().Be(0);
        run.Stdout.Should().Contain("Schema:\n{").And.Contain("\"allowed_values\"");
    }

    [Fact]
    public async Task Schema_prints_the_parameters_as_json()
    {
        var run = await Cli.RunAsync("template", "schema", "workflow-orchestrator");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json["template"]!.GetValue<string>().Should().Be("workflow-orchestrator");
        var parameters = run.Json["parameters"]!.AsArray();
        parameters.Select(p => p!["name"]!.GetValue<string>()).Should().Equal("workflow_config", "execution_mode", "collect_intermediate", "max_steps", "model");
        var byName = parameters.ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);
        byName["workflow_config"]["type"]!.GetValue<string>().Should().Be("object");
        byName["workflow_config"]["required"]!.GetValue<bool>().Should().BeTrue();
        byName["workflow_config"]["constraints"]!["min_steps"]!.GetValue<int>().Should().Be(1);
        byName["execution_mode"]["default"]!.GetValue<string>().Should().Be("sequential");
        byName["execution_mode"]["allowed_values"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("sequential", "parallel", "hybrid", "loop");
        byName["collect_intermediate"]["default"]!.GetValue<bool>().Should().BeTrue();
        byName["max_steps"]["default"]!.GetValue<int>().Should().Be(10);
        byName["max_steps"]["constraints"]!["min"]!.GetValue<int>().Should().Be(1);
        byName["max_steps"]["constraints"]!["max"]!.GetValue<int>().Should().Be(100);
        byName["model"]["default"]!.GetValue<string>().Should().Be("ollama/llama3.2:3b");
        byName["model"]["required"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_template_is_named_with_a_suggestion_and_the_known_ones()
    {
        var info = await Cli.RunAsync("template", "info", "workflow-orchestrater");
        var exec = await Cli.RunAsync("template", "exec", "nope", "--param", "x=1");

        info.ExitCode.Should().Be(2);
        info.Stderr.Should().Contain("error: unknown template 'workflow-orchestrater'; did you mean 'workflow-orchestrator'? Available templates: workflow-orchestrator");
        exec.ExitCode.Should().Be(2);
        exec.Stderr.Should().Contain("unknown template 'nope'");
    }
}
