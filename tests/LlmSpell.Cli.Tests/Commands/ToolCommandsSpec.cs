using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell tool list | info | invoke</c>.</summary>
public sealed class ToolCommandsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task List_shows_every_built_in_tool()
    {
        var text = await Cli.RunAsync("tool", "list");
        var json = await Cli.RunAsync("tool", "list", "--output", "json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Stdout.Should().MatchRegex(@"calculator\s+Evaluates an arithmetic expression");
        json.Json.AsArray().Select(t => t!["name"]!.GetValue<string>()).Should().BeEquivalentTo(
            "file-read", "file-write", "file-list", "http-request", "json-query", "text-template", "calculator",
            "datetime", "uuid", "hash", "csv-to-json", "regex-extract", "text-split", "text-join");
        json.Json.AsArray().Single(t => t!["name"]!.GetValue<string>() == "calculator")!["aliases"]!.AsArray()
            .Select(a => a!.GetValue<string>()).Should().Contain("calc");
    }

    [Fact]
    public async Task Info_shows_the_parameters_and_schemas()
    {
        var run = await Cli.RunAsync("tool", "info", "calculator");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"expression\s+string\s+required");
        run.Stdout.Should().ContainAll("Aliases: calc", "Parameter schema:", "Result schema:", "llmspell tool invoke calculator --param expression=VALUE");
    }

    [Fact]
    public async Task Invoke_prints_the_tool_s_result()
    {
        var calc = await Cli.RunAsync("tool", "invoke", "calc", "--param", "expression=2+3*4");
        var hash = await Cli.RunAsync("tool", "invoke", "hash", "--param", "input=123", "--output", "json");

        calc.ExitCode.Should().Be(0, calc.ToString());
        calc.Json["result"]!.GetValue<double>().Should().Be(14);
        hash.ExitCode.Should().Be(0, hash.ToString());
        hash.Json["hash"]!.GetValue<string>().Should().Be("a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3", "a string parameter given 123 hashes the text '123'");
    }

    [Fact]
    public async Task A_large_result_is_printed_whole_in_json()
    {
        // Over a megabyte of JSON, printed in pieces as it is written: multi-byte characters fall across their edges.
        var parts = Enumerable.Range(0, 40_000).Select(i => $"{i}é日本{new string('ü', i % 7)}").ToArray();
        var text = Path.Combine(DataDirectory, "parts.txt");
        File.WriteAllText(text, string.Join(",", parts));

        var run = await Cli.RunAsync("tool", "invoke", "text-split", "--param", $"text=@{text}", "--param", "separator=,", "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        System.Text.Encoding.UTF8.GetByteCount(run.Stdout).Should().BeGreaterThan(1_000_000);
        run.Json["count"]!.GetValue<int>().Should().Be(parts.Length);
        run.Json["parts"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Equal(parts);
        run.Stdout.Should().EndWith("],\n  \"count\": 40000\n}\n", "indented, then one newline");
    }

    [Fact]
    public async Task File_write_writes_in_the_data_directory_s_workspace_and_cannot_escape_it()
    {
        using var cwd = new TempDirectory();
        Cli.WorkingDirectory = cwd.Path;

        var write = await Cli.RunAsync("tool", "invoke", "file-write", "--param", "path=notes/a.txt", "--param", "content=hello");
        var escape = await Cli.RunAsync("tool", "invoke", "file-write", "--param", "path=../../x.txt", "--param", "content=no");

        write.ExitCode.Should().Be(0, write.ToString());
        File.ReadAllText(Path.Combine(Workspace, "notes", "a.txt")).Should().Be("hello");
        File.Exists(Path.Combine(cwd.Path, "notes", "a.txt")).Should().BeFalse();
        escape.ExitCode.Should().Be(1);
        escape.Stderr.Should().Contain("Tool 'file-write' refused '../../x.txt'").And.Contain("outside the workspace");
    }

    [Fact]
    public async Task Unknown_tools_and_bad_parameters_are_explained()
    {
        var unknown = await Cli.RunAsync("tool", "invoke", "calculater", "--param", "expression=1");
        var bad = await Cli.RunAsync("tool", "invoke", "calculator", "--param", "expr=1");
        var failing = await Cli.RunAsync("tool", "invoke", "calculator", "--param", "expression=1/");

        unknown.ExitCode.Should().Be(2);
        unknown.Stderr.Should().Contain("unknown tool 'calculater'; did you mean 'calculator'? Available tools: calculator, csv-to-json");
        bad.ExitCode.Should().Be(2);
        bad.Stderr.Should().Contain("parameter 'expression' is required but missing").And.Contain("'expr' is not a known parameter");
        failing.ExitCode.Should().Be(2, failing.ToString());
        failing.Stderr.Should().Contain("error: Tool 'calculator'").And.NotContain("   at ");
    }
}
