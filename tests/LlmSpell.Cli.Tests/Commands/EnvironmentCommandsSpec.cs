using System.Text.RegularExpressions;
using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell models</c> and <c>llmspell doctor</c>: what is installed, what is reachable, what to fix.</summary>
public sealed class EnvironmentCommandsSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    [Fact]
    public async Task Models_lists_what_Ollama_has_and_marks_the_default()
    {
        Ollama.Models.Add("qwen2.5:0.5b");

        var text = await Cli.RunAsync("models");
        var json = await Cli.RunAsync("models", "--output", "json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Stdout.Should().MatchRegex(@"ollama/llama3\.2:3b \(default\)\s+1\.9 GB\s+3\.2B\s+Q4_K_M");
        text.Stdout.Should().Contain("ollama/qwen2.5:0.5b");
        var endpoint = json.Json["endpoints"]!.AsArray().Single()!;
        endpoint["reachable"]!.GetValue<bool>().Should().BeTrue();
        endpoint["url"]!.GetValue<string>().Should().Be(Ollama.BaseUrl.ToString());
        endpoint["models"]!.AsArray().Select(m => m!["spec"]!.GetValue<string>()).Should().Contain(["ollama/llama3.2:3b", "ollama/qwen2.5:0.5b"]);
    }

    [Fact]
    public async Task Models_reports_an_unreachable_Ollama_with_what_to_do()
    {
        var run = await Offline.RunAsync("models");

        run.ExitCode.Should().Be(1);
        run.Stdout.Should().Contain("ollama (http://127.0.0.1:9/): unreachable. Cannot reach Ollama at http://127.0.0.1:9/").And.Contain("ollama serve");
        run.Stderr.Should().Contain("no LLM endpoint could be reached").And.NotContain("   at ");
    }

    [Fact]
    public async Task Doctor_passes_with_a_reachable_Ollama_and_the_default_model()
    {
        var run = await Cli.RunAsync("doctor");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"ok\s+config\s+built-in defaults");
        run.Stdout.Should().MatchRegex($@"ok\s+data dir\s+{System.Text.RegularExpressions.Regex.Escape(DataDirectory)} \(writable\)");
        run.Stdout.Should().MatchRegex(@"ok\s+ollama\s+reachable at");
        run.Stdout.Should().MatchRegex(@"ok\s+model\s+default model ollama/llama3\.2:3b is installed");
        run.Stdout.Should().MatchRegex(@"ok\s+local\s+llama\.cpp CPU \((AVX-512|AVX2|AVX|no AVX)\) loaded; models folder ");
        run.Stdout.Should().Contain("No problems.");
    }

    [Fact]
    public async Task Doctor_warns_about_a_missing_model_and_an_unreachable_Ollama_without_failing()
    {
        Ollama.Models.Clear();
        var missingModel = await Cli.RunAsync("doctor");
        var offline = await Offline.RunAsync("doctor", "--output", "json");

        missingModel.ExitCode.Should().Be(0, missingModel.ToString());
        missingModel.Stdout.Should().MatchRegex(@"warn\s+model\s+default model ollama/llama3\.2:3b is not installed on ollama; run `ollama pull llama3\.2:3b`");
        offline.ExitCode.Should().Be(0, offline.ToString());
        var ollamaCheck = offline.Json["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "ollama")!;
        ollamaCheck["status"]!.GetValue<string>().Should().Be("warn");
        ollamaCheck["detail"]!.GetValue<string>().Should().Contain("ollama serve");
    }

    [Fact]
    public async Task The_data_home_is_xdg_s_and_the_old_one_is_still_read_with_a_note()
    {
        using var home = new TempDirectory();
        var cli = Cli.With("HOME", home.Path).With("XDG_DATA_HOME", null).With("LLMSPELL_DATA_DIR", null);
        var platform = Path.Combine(home.Path, ".local", "share", "llmspell");
        var legacy = Path.Combine(home.Path, ".llmspell");

        var fresh = await cli.RunAsync("doctor");
        if (Directory.Exists(platform)) Directory.Delete(platform, recursive: true);
        home.File(Path.Combine(".llmspell", "models", "tiny.gguf"), "not really a model");
        var old = await cli.RunAsync("doctor");

        fresh.Stdout.Should().MatchRegex($@"ok\s+data dir\s+{Regex.Escape(platform)} \(writable\)");
        fresh.Stderr.Should().NotContain("note:");
        old.Stdout.Should().MatchRegex($@"ok\s+data dir\s+{Regex.Escape(legacy)} \(writable\)");
        old.Stderr.Should().Contain($"note: using {legacy}, the old data directory; move it to {platform} (mv {legacy} {platform})");
        old.Stdout.Should().Contain(Path.Combine(legacy, "models"), "local models are found in the data home");
    }

    [Fact]
    public async Task Doctor_fails_on_a_broken_config_or_an_unusable_data_directory()
    {
        using var dir = new TempDirectory();
        var config = dir.File("bad.json", """{"tols": {}}""");
        var notADirectory = dir.File("file-not-dir", "x");

        var badConfig = await Cli.RunAsync("doctor", "--config", config);
        var badDataDir = await Cli.RunAsync("doctor", "--data-dir", Path.Combine(notADirectory, "sub"));

        badConfig.ExitCode.Should().Be(1);
        badConfig.Stdout.Should().MatchRegex(@"FAIL\s+config\s+.*\$\.tols: unknown key; did you mean 'tools'\?");
        badDataDir.ExitCode.Should().Be(1, badDataDir.ToString());
        badDataDir.Stdout.Should().MatchRegex(@"FAIL\s+data dir\s+cannot write in .*choose another with --data-dir");
    }

    [Fact]
    public async Task A_configured_agent_and_endpoint_are_used_by_steps()
    {
        using var dir = new TempDirectory();
        var config = dir.File("llmspell.json", $$$"""
            {
              // comments are allowed
              "endpoints": {"ollama": {"base_url": "{{{Ollama.BaseUrl}}}"}},
              "agents": {"analyst": {"model": "ollama/analyst-model:1b", "system_prompt": "You are terse."}}
            }
            """);
        Ollama.Always(ScriptedReply.Text("ok"));

        var run = await Offline.RunAsync("template", "exec", "workflow-orchestrator", "--config", config,
            "--param", """workflow_config={"steps":[{"name":"s","step_type":{"Agent":{"agent_id":"analyst","input":"Go"}}}]}""");

        run.ExitCode.Should().Be(0, run.ToString());
        var request = Ollama.Requests.Single(r => r.Path == "/api/chat");
        request.Model.Should().Be("analyst-model:1b");
        request.Json!["messages"]![0]!["content"]!.GetValue<string>().Should().Be("You are terse.");
        run.Stdout.Should().Contain("Agent executed successfully (analyst)");
    }
}
