using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell run FILE</c> on the examples in config/examples, on broken definitions, and its <c>--cluster</c> settings.</summary>
public sealed class RunCommandSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    private static string Example(string name) => Path.Combine("config", "examples", name);

    [Fact]
    public async Task The_sales_report_example_runs_with_no_LLM_and_writes_its_report_outside_the_repository()
    {
        var run = await Offline.RunAsync("run", Example("sales-report.json"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().StartWith("✓ Workflow 'sales-report' completed in ");
        run.Stdout.Should().ContainAll("**Tools Invoked**: 23", "Where: line-revenue › iteration 8", "Files written under: " + Workspace);
        var report = File.ReadAllText(Path.Combine(Workspace, "reports", "sales-report.md"));
        report.Should().ContainAll("| Revenue | 4114.25 |", "| Units sold | 672 |", "| Average revenue per line | 514.28 |", "Widget, Gadget, Widget");
        Directory.Exists(Path.Combine(Support.Cli.RepositoryRoot, "config", "examples", "reports")).Should().BeFalse();
    }

    [Fact]
    public async Task A_tool_only_workflow_runs_even_when_the_default_model_is_a_missing_local_model()
    {
        // The model that would choose tools is only loaded if a step asks it to.
        using var dir = new TempDirectory();
        var config = dir.File("llmspell.json", """{"default_model": "local/no-such-model"}""");

        var run = await Offline.RunAsync("run", Example("sales-report.json"), "--config", config);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().StartWith("✓ Workflow 'sales-report' completed in ");
    }

    [Fact]
    public async Task The_file_checks_example_runs_its_parallel_branches_and_prints_json()
    {
        var run = await Offline.RunAsync("run", Example("file-checks.json"), "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json;
        json["status"]!.GetValue<string>().Should().Be("ok");
        json["run_status"]!.GetValue<string>().Should().Be("completed");
        json["steps"]!.AsArray().Select(s => s!["key"]!.GetValue<string>()).Should().Contain(["checks/checksum/sha256", "checks/lines/data-lines", "checks/prices/find-prices"]);
        json["metrics"]!["tools_invoked"]!.GetValue<int>().Should().Be(7);
        // Every output is printed whole where it appears, the same value in the step list, inside its parent's, and as the run's.
        var outputs = json["steps"]!.AsArray().ToDictionary(s => s!["key"]!.GetValue<string>(), s => s!["output"]);
        outputs["checks/checksum/sha256"]!["hash"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        System.Text.Json.Nodes.JsonNode.DeepEquals(outputs["checks"]!["checksum"], outputs["checks/checksum/sha256"]).Should().BeTrue();
        System.Text.Json.Nodes.JsonNode.DeepEquals(json["output"], outputs["save"]).Should().BeTrue();
        outputs["save"]!["path"]!.GetValue<string>().Should().Be("reports/file-checks.json");
        var written = File.ReadAllText(Path.Combine(Workspace, "reports", "file-checks.json"));
        System.Text.Json.Nodes.JsonNode.Parse(written)!["data_lines"]!.GetValue<int>().Should().Be(8);
    }

    [Theory]
    [InlineData("order.json", "large-order", "A-1017", "becomes 1187.5 after the 5% large-order discount")]
    [InlineData("order-small.json", "standard", "B-2042", "received: Widget x 30 (86.50)")]
    public async Task The_order_router_example_takes_the_branch_its_input_selects(string input, string branch, string id, string text)
    {
        var run = await Offline.RunAsync("run", Example("order-router.json"), "--input", "@" + Example(Path.Combine("data", input)));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain($"branch_selected {branch}");
        File.ReadAllText(Path.Combine(Workspace, "orders", id + ".txt")).Should().Contain(text);
    }

    [Fact]
    public async Task The_agent_example_runs_its_agent_on_the_configured_Ollama()
    {
        Ollama.OnPrompt("three bullet points", ScriptedReply.Text("- East leads on revenue").WithUsage(200, 6));

        var run = await Cli.RunAsync("run", Example("agent-sales-summary.json"));

        run.ExitCode.Should().Be(0, run.ToString());
        var chat = Ollama.Requests.Single(r => r.Path == "/api/chat");
        chat.Prompt.Should().Contain("\"product\":\"Gizmo\"", "the agent gets the rows the tools produced");
        chat.Model.Should().Be("llama3.2:3b");
        File.ReadAllText(Path.Combine(Workspace, "reports", "sales-summary.md")).Should().Contain("- East leads on revenue");
        run.Stdout.Should().Contain("Tokens: 206 (200 in, 6 out)");
    }

    [Fact]
    public async Task A_silent_model_server_shows_as_waiting_in_the_progress_lines_until_tokens_come()
    {
        var gate = new TaskCompletionSource();
        Ollama.Always(ScriptedReply.Text("late but fine").WithGate(gate.Task));
        using var dir = new TempDirectory();
        var config = dir.File("llmspell.json", """{"stall_warning_s": 1}""");
        var flow = dir.File("wait.json", """{"name": "wait", "steps": [{"name": "think", "step_type": "agent", "input": "Think"}]}""");

        await using var process = Cli.With("LLMSPELL_PROGRESS", "plain").Start("run", flow, "--config", config);
        var line = await process.StderrLineAsync("no tokens for");
        gate.SetResult();
        var run = await process.ExitAsync();

        line.Should().Contain($"step_stalled think: waiting for ollama/llama3.2:3b at 127.0.0.1:{Ollama.BaseUrl.Port} — no tokens for 1 s");
        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("late but fine");
    }

    [Fact]
    public async Task The_yaml_support_router_example_routes_on_the_model_s_classification()
    {
        Ollama.OnPrompt("Classify the input", ScriptedReply.Text("billing"));
        Ollama.Always(ScriptedReply.Text("We are sorry about the double charge."));

        var run = await Cli.RunAsync("run", Example("agent-support-router.yaml"), "--input", """{"message": "I was charged twice"}""", "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json["output"]!.GetValue<string>().Should().Be("We are sorry about the double charge.");
        Ollama.Requests.Should().Contain(r => r.Prompt != null && r.Prompt.Contains("Reply to this customer in at most four sentences: I was charged twice"));
    }

    [Fact]
    public async Task Without_Ollama_an_agent_example_fails_fast_with_the_LLM_layer_s_advice()
    {
        var run = await Offline.RunAsync("run", Example("agent-sales-summary.json"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("error: workflow 'agent-sales-summary' failed: step 'summarize' failed: Cannot reach Ollama").And.Contain("ollama serve");
        File.Exists(Path.Combine(Workspace, "reports", "sales-summary.md")).Should().BeFalse();
    }

    [Fact]
    public async Task A_missing_lua_script_is_a_usage_error()
    {
        var run = await Cli.RunAsync("run", "script.lua");

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Be("error: the script script.lua does not exist\n");
    }

    [Fact]
    public async Task A_missing_or_invalid_definition_is_reported_with_its_location()
    {
        using var dir = new TempDirectory();
        var bad = dir.File("bad.yaml", "steps:\n  - name: a\n    step_type: custom\n");

        var missing = await Cli.RunAsync("run", Path.Combine(dir.Path, "none.json"));
        var invalid = await Cli.RunAsync("run", bad);

        missing.ExitCode.Should().Be(2);
        missing.Stderr.Should().Contain("file not found");
        invalid.ExitCode.Should().Be(2);
        invalid.Stderr.Should().Contain($"{bad}: $.steps[0].step_type: invalid step_type: 'custom'").And.NotContain("   at ");
    }

    [Fact]
    public async Task Broken_json_input_is_refused_and_plain_text_input_is_a_string()
    {
        using var dir = new TempDirectory();
        var flow = dir.File("echo.json", """{"steps":[{"name":"text-join","step_type":"tool","parameters":{"parts":["got: ","{{input}}"]}}]}""");

        var broken = await Cli.RunAsync("run", flow, "--input", "{\"a\": ");
        var text = await Cli.RunAsync("run", flow, "--input", "hello there", "--output", "json");

        broken.ExitCode.Should().Be(2);
        broken.Stderr.Should().Contain("--input: '{\"a\":' looks like JSON but does not parse");
        text.ExitCode.Should().Be(0, text.ToString());
        text.Json["output"]!["text"]!.GetValue<string>().Should().Be("got: hello there");
    }

    [Fact]
    public async Task Files_are_read_beside_the_definition_and_written_in_the_workspace_option()
    {
        using var dir = new TempDirectory();
        dir.File("in.txt", "beside the definition");
        var flow = dir.File("copy.json",
            """{"steps":[{"name":"file-read","step_type":"tool","parameters":{"path":"in.txt"}},{"name":"file-write","step_type":"tool","parameters":{"path":"out.txt","content":"{{steps.file-read.output.content}}"}}]}""");
        using var elsewhere = new TempDirectory();
        elsewhere.File("in.txt", "in the workspace");

        var byDefault = await Cli.RunAsync("run", flow);
        var shared = await Cli.RunAsync("run", flow, "--workspace", elsewhere.Path);

        byDefault.ExitCode.Should().Be(0, byDefault.ToString());
        File.ReadAllText(Path.Combine(Workspace, "out.txt")).Should().Be("beside the definition");
        File.Exists(Path.Combine(dir.Path, "out.txt")).Should().BeFalse();
        shared.ExitCode.Should().Be(0, shared.ToString());
        File.ReadAllText(Path.Combine(elsewhere.Path, "out.txt")).Should().Be("in the workspace");
    }

    [Fact]
    public async Task A_cluster_run_with_a_public_host_that_is_no_host_name_says_so_before_it_contacts_a_node()
    {
        var run = await Cli.With("LLMSPELL_PUBLIC_HOST", "akka.tcp://llmspell@node1:4053")
            .RunAsync("run", Example("sales-report.json"), "--cluster", "akka.tcp://llmspell@127.0.0.1:9");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: $LLMSPELL_PUBLIC_HOST: 'akka.tcp://llmspell@node1:4053' is not a host name other nodes can reach this one by");
    }
}
