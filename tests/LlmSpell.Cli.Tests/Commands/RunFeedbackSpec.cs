using System.Text.RegularExpressions;
using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary>What a run tells the user while and after it runs: its id from the start, one line per error, the live view's rows and end.</summary>
public sealed partial class RunFeedbackSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    private const string Branches = """
        {"name": "fan", "type": "parallel", "branches": [
          {"name": "first", "steps": [{"name": "one", "step_type": "tool", "tool": "uuid"}]},
          {"name": "second", "steps": [{"name": "two", "step_type": "tool", "tool": "uuid"}]},
          {"name": "third", "steps": [{"name": "three", "step_type": "tool", "tool": "uuid"}]},
          {"name": "fourth", "steps": [{"name": "four", "step_type": "tool", "tool": "uuid"}]}
        ]}
        """;

    [Fact]
    public async Task The_run_id_is_in_the_first_progress_line_and_in_the_json()
    {
        using var dir = new TempDirectory();
        var flow = dir.File("one.json", """{"name": "one", "steps": [{"name": "id", "step_type": "tool", "tool": "uuid"}]}""");

        var run = await Cli.With("LLMSPELL_PROGRESS", "plain").RunAsync("run", flow, "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var runId = run.Json["run_id"]!.GetValue<string>();
        run.Stderr.Split('\n')[0].Should().EndWith($"run_started workflow 'one' run {runId}");
    }

    [Fact]
    public async Task A_misspelt_tool_is_a_definition_error_with_a_suggestion_before_any_step_runs()
    {
        using var dir = new TempDirectory();
        var flow = dir.File("typo.json", """
            {"name": "typo", "steps": [
              {"name": "ask", "step_type": "agent", "input": "Pick a number"},
              {"name": "add", "step_type": "tool", "tool": "calculater", "parameters": {"expression": "1+1"}}
            ]}
            """);

        var run = await Cli.With("LLMSPELL_PROGRESS", "plain").RunAsync("run", flow);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Be("error: $.steps[1].tool: unknown tool 'calculater'; did you mean 'calculator'? Available tools: calculator, csv-to-json, "
            + "datetime, file-list, file-read, file-write, hash, http-request, json-query, regex-extract, text-join, text-split, text-template, uuid "
            + "(see 'llmspell tool list')\n");
        Ollama.RequestCount.Should().Be(0, "the agent step before the misspelt tool must not run");
    }

    [Fact]
    public async Task A_failed_run_s_error_is_printed_once_and_its_stack_only_with_verbose()
    {
        using var dir = new TempDirectory();
        var flow = dir.File("bad.json", """{"name": "bad", "steps": [{"name": "div", "step_type": "tool", "tool": "calculator", "parameters": {"expression": "1/"}}]}""");

        var run = await Cli.With("LLMSPELL_PROGRESS", "plain").RunAsync("run", flow, "--output", "json");

        run.ExitCode.Should().Be(1, run.ToString());
        Regex.Matches(run.Stderr, "the expression ends where a number was expected").Should().HaveCount(1, run.Stderr);
        run.Stderr.Should().Contain("step_failed div after 1 attempt\n")
            .And.Contain("error: workflow 'bad' failed: step 'div' failed: Tool 'calculator'")
            .And.NotContain("   at ");
    }

    [Fact]
    public async Task Parallel_outputs_and_live_rows_follow_the_declared_order_at_stable_widths()
    {
        using var dir = new TempDirectory();
        var flow = dir.File("fan.json", Branches);

        var run = await Cli.With("LLMSPELL_PROGRESS", "live").RunAsync("run", flow, "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json["output"]!.AsObject().Select(p => p.Key).Should().Equal("first", "second", "third", "fourth");
        var rows = TableRows(run.Stderr).ToArray();
        var lastFrame = rows.TakeLast(4).Select(r => r.Split('│', StringSplitOptions.TrimEntries)[1]).ToArray();
        lastFrame.Should().Equal("first/one", "second/two", "third/three", "fourth/four");
        // Every line of every frame is as wide as the first one: no column jumps.
        var widths = TableLines(run.Stderr).Select(l => l.Length).Distinct().ToArray();
        widths.Should().HaveCount(1, string.Join('\n', TableLines(run.Stderr)));
    }

    [Fact]
    public async Task Ctrl_C_ends_the_live_view_with_no_step_left_running_and_names_the_run_in_stderr_and_the_json()
    {
        Ollama.Always(ScriptedReply.Text("never").WithGate(new TaskCompletionSource().Task));
        using var dir = new TempDirectory();
        var flow = dir.File("slow.json", """{"name": "slow", "steps": [{"name": "think", "step_type": "agent", "input": "Think"}]}""");

        await using var process = Cli.With("LLMSPELL_PROGRESS", "live").Start("run", flow, "--output", "json");
        await process.StderrLineAsync("running");
        await process.InterruptAsync();
        var run = await process.ExitAsync();

        run.ExitCode.Should().Be(130, run.ToString());
        var stderr = Ansi().Replace(run.Stderr, "");
        var header = HeaderLine().Match(stderr);
        header.Success.Should().BeTrue(stderr);
        var runId = header.Groups[1].Value;
        var lastFrame = stderr[stderr.LastIndexOf("run slow", StringComparison.Ordinal)..];
        lastFrame.Should().Contain("cancelled").And.Contain("stopped").And.NotContain("running");
        run.Stderr.Should().EndWith($"cancelled: run {runId} (llmspell workflow show {runId})\n");
        run.Json["run_id"]!.GetValue<string>().Should().Be(runId);
        run.Json["run_status"]!.GetValue<string>().Should().Be("cancelled");
    }

    // A redraw moves the cursor up to the frame's first line: that starts a new line, as on the terminal.
    private static IEnumerable<string> TableLines(string stderr) =>
        Ansi().Replace(CursorUp().Replace(stderr, "\n"), "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l[0] is '│' or '╭' or '├' or '╰');

    private static IEnumerable<string> TableRows(string stderr) =>
        TableLines(stderr).Where(l => l[0] == '│' && !l.Contains("Status", StringComparison.Ordinal));

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\r")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"\r?\x1b\[\d+A")]
    private static partial Regex CursorUp();

    [GeneratedRegex(@"run slow\s+run ([0-9a-f]{32})")]
    private static partial Regex HeaderLine();
}
