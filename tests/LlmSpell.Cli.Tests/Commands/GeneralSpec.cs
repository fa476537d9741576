using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>Help, usage errors, <c>workflow graph</c>, and the promise of one clear message without a stack trace.</summary>
public sealed class GeneralSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task Help_lists_the_commands()
    {
        var run = await Cli.RunAsync("--help");

        run.ExitCode.Should().Be(0);
        run.Stdout.Should().ContainAll("template", "run <FILE>", "workflow", "tool", "models", "doctor", "--config", "--data-dir", "--verbose");
    }

    [Fact]
    public async Task Unknown_commands_and_missing_arguments_are_usage_errors()
    {
        var unknown = await Cli.RunAsync("frobnicate");
        var missing = await Cli.RunAsync("run");

        unknown.ExitCode.Should().Be(2);
        unknown.Stderr.Should().Contain("error: unknown command 'frobnicate' for 'llmspell'. Commands: template, run, workflow").And.Contain("Run 'llmspell --help' for usage.");
        missing.ExitCode.Should().Be(2);
        missing.Stderr.Should().Contain("Run 'llmspell run --help' for usage.");
    }

    [Fact]
    public async Task Misspelt_commands_options_and_values_get_one_line_each_with_a_suggestion()
    {
        var command = await Cli.RunAsync("tempalte", "list");
        var subcommand = await Cli.RunAsync("template", "lst");
        var option = await Cli.RunAsync("template", "exec", "workflow-orchestrator", "--parm", "x=1");
        var value = await Cli.RunAsync("template", "list", "--output", "xml");
        var near = await Cli.RunAsync("template", "list", "--output", "jsn");
        var number = await Cli.RunAsync("run", "x.lua", "--max-instructions", "many");
        var bare = await Cli.RunAsync("template");

        command.Stderr.Should().Be("error: unknown command 'tempalte' for 'llmspell'; did you mean 'template'? Commands: template, run, workflow, tool, models, doctor, node\n"
            + "Run 'llmspell --help' for usage.\n");
        subcommand.Stderr.Should().StartWith("error: unknown command 'lst' for 'llmspell template'; did you mean 'list'?");
        option.Stderr.Should().Be("error: unknown option '--parm' for 'llmspell template exec'; did you mean '--param'?\nRun 'llmspell template exec --help' for usage.\n");
        value.Stderr.Should().StartWith("error: --output: 'xml' is not an output format; use text or json\n").And.NotContain("LlmSpell.Cli");
        near.Stderr.Should().StartWith("error: --output: 'jsn' is not an output format; use text or json; did you mean 'json'?\n");
        number.Stderr.Should().StartWith("error: --max-instructions: 'many' is not a whole number\n").And.NotContain("System.Int64");
        bare.Stderr.Should().StartWith("error: 'llmspell template' needs a command: list, info, schema, exec\n");
        new[] { command, subcommand, option, value, near, number, bare }.Should().OnlyContain(r => r.ExitCode == 2);
    }

    [Fact]
    public async Task Graph_draws_mermaid_by_default_and_dot_on_request()
    {
        var example = Path.Combine("config", "examples", "order-router.json");

        var mermaid = await Cli.RunAsync("workflow", "graph", example);
        var dot = await Cli.RunAsync("workflow", "graph", example, "--format", "dot");
        var bad = await Cli.RunAsync("workflow", "graph", example, "--format", "svg");

        mermaid.ExitCode.Should().Be(0, mermaid.ToString());
        mermaid.Stdout.Should().StartWith("flowchart TD").And.Contain("large-order");
        dot.ExitCode.Should().Be(0);
        dot.Stdout.Should().StartWith("digraph \"order-router\"");
        bad.ExitCode.Should().Be(2);
        bad.Stderr.Should().Contain("unknown graph format 'svg'; use --format mermaid or --format dot");
    }

    [Fact]
    public async Task A_bad_config_is_one_message_naming_the_file_and_key_and_verbose_adds_the_trace()
    {
        using var dir = new TempDirectory();
        var config = dir.File("c.json", """{"default_model": "", "endpoints": {"ollama": {"max_concurrency": 0}}}""");

        var run = await Cli.RunAsync("template", "exec", "workflow-orchestrator", "--config", config, "--param", """workflow_config={"steps":[{"step_type":"agent"}]}""");
        var verbose = await Cli.RunAsync("models", "--config", config, "--verbose");

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain($"{config}: $.default_model: A model spec must not be empty")
            .And.Contain($"{config}: $.endpoints.ollama.max_concurrency: must be a whole number of at least 1, got 0")
            .And.NotContain("   at ");
        verbose.ExitCode.Should().Be(2);
        verbose.Stderr.Should().Contain("   at ");
    }

    [Fact]
    public async Task Verbose_adds_debug_logs_on_stderr_and_leaves_stdout_alone()
    {
        string[] args = ["template", "exec", "workflow-orchestrator", "--param", """workflow_config={"steps":[{"name":"a","step_type":"agent"}]}""", "--output", "json"];

        var quiet = await Offline.RunAsync(args);
        var verbose = await Offline.RunAsync([.. args, "--verbose"]);

        quiet.Stderr.Should().NotContain(" DBG] ");
        // Each line is stamped with its time of day: an operator lines up the logs of several nodes.
        verbose.Stderr.Should().MatchRegex(@"\[\d\d:\d\d:\d\d\.\d{3} DBG\] LlmSpell\.Llm\.Ollama\.OllamaEndpoint: ollama: POST http://127\.0\.0\.1:9/api/chat");
        verbose.Json["status"]!.GetValue<string>().Should().Be("error");
        verbose.ExitCode.Should().Be(1);
    }
}
