using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell run script.lua</c> as a real process: examples, ARGS, output modes, errors, sandbox and budgets.</summary>
public sealed class LuaRunSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    private static string Example(string name) => Path.Combine("config", "examples", name);

    [Fact]
    public async Task The_tool_only_example_runs_with_no_LLM_and_writes_its_report_in_the_workspace()
    {
        var run = await Offline.RunAsync("run", Example("sales-by-region.lua"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().StartWith("East        1814.75\nNorth        780.00\nSouth        787.50\nWest         732.00\n8 rows, 11 steps completed, report written to reports/sales-by-region.md\n");
        File.ReadAllText(Path.Combine(Workspace, "reports", "sales-by-region.md")).Should().Contain("| East | 1814.75 |");
        File.Exists(Path.Combine(DataDirectory, "llmspell.db")).Should().BeTrue("the script's workflow runs are journaled in the data directory");
    }

    [Fact]
    public async Task Args_fill_the_ARGS_table_and_json_output_keeps_stdout_for_the_return_value()
    {
        using var dir = new TempDirectory();
        var script = dir.File("args.lua", "print('printed', ARGS.name)\nreturn {greeting = 'hello ' .. ARGS.name, eq = ARGS.expr}\n");

        var run = await Offline.RunAsync("run", script, "--arg", "name=world", "--arg", "expr=a=b", "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json["greeting"]!.GetValue<string>().Should().Be("hello world");
        run.Json["eq"]!.GetValue<string>().Should().Be("a=b");
        run.Stderr.Should().Contain("printed\tworld");
    }

    [Fact]
    public async Task A_script_error_exits_1_with_file_line_and_message()
    {
        using var dir = new TempDirectory();
        var script = dir.File("broken.lua", "local x = 1\nlocal y = nil\nprint(y.field)\n");

        var run = await Offline.RunAsync("run", script);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Be("error: broken.lua:3: attempt to index a nil value (local 'y')\n");
    }

    [Fact]
    public async Task The_sandbox_refuses_processes_and_says_so()
    {
        using var dir = new TempDirectory();
        var script = dir.File("escape.lua", "os.execute('touch /tmp/pwned')\n");

        var run = await Offline.RunAsync("run", script);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Be("error: escape.lua:1: os.execute is not available in the sandbox\n");
    }

    [Fact]
    public async Task A_runaway_loop_is_stopped_by_the_instruction_budget()
    {
        using var dir = new TempDirectory();
        var script = dir.File("spin.lua", "while true do pcall(function() while true do end end) end\n");

        var run = await Offline.RunAsync("run", script, "--max-instructions", "200000");

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().StartWith("error: instruction budget exceeded (200000 instructions)");
    }

    [Fact]
    public async Task A_runaway_allocation_is_stopped_by_the_memory_limit()
    {
        using var dir = new TempDirectory();
        var script = dir.File("hog.lua", "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end\n");

        var run = await Offline.RunAsync("run", script, "--max-memory-mb", "8");

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().StartWith("error: memory limit exceeded (8 MB)");
    }

    [Fact]
    public async Task Bad_arg_syntax_is_a_usage_error()
    {
        var run = await Offline.RunAsync("run", Example("sales-by-region.lua"), "--arg", "novalue");

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("--arg 'novalue' must be name=value");
    }

    [Fact]
    public async Task The_spec_agent_chain_example_runs_unchanged_against_Ollama()
    {
        Ollama.OnPrompt("Analyze", ScriptedReply.Text("analysed"));
        Ollama.OnPrompt("Summarize", ScriptedReply.Text("summarised"));
        Ollama.OnPrompt("Review", ScriptedReply.Text("reviewed"));

        var run = await Cli.RunAsync("run", Example("spec-agent-chain.lua"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex("^Steps executed: 3\nDuration: [0-9]+ms\n$");
        Ollama.Requests.Count(r => r.Path == "/api/chat").Should().Be(3);
    }

    [Fact]
    public async Task Without_Ollama_the_agent_example_fails_the_run_but_the_script_reports_it()
    {
        var run = await Offline.RunAsync("run", Example("spec-basic-usage.lua"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Cannot reach Ollama");
    }
}
