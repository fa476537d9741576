using System.Text.Json.Nodes;
using LlmSpell.Cli.Tests.Support;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell run</c> with an agent step on the in-process GGUF engine (<c>local/…</c>): no server at all.</summary>
public sealed class LocalModelRunSpec(OllamaFixture ollama) : CliSpec(ollama)
{
    internal static string ModelsDirectory
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("LLMSPELL_TEST_MODELS");
            var dir = string.IsNullOrWhiteSpace(fromEnv) ? Path.GetFullPath(Path.Combine(Support.Cli.RepositoryRoot, "..", "shared", "models")) : fromEnv;
            if (!File.Exists(Path.Combine(dir, "stories260K.gguf")))
                throw new Xunit.Sdk.XunitException($"Test model stories260K.gguf not found in {dir}; set LLMSPELL_TEST_MODELS to its folder.");
            return dir;
        }
    }

    private static string GoldenContinuation() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ModelsDirectory, "stories260K.golden.json")))!["cases"]!.AsArray()
            .Single(c => c!["prompt"]!.GetValue<string>() == "Once upon a time")!["output_text"]!.GetValue<string>();

    [Fact]
    public async Task The_local_story_example_runs_on_the_model_named_in_LLMSPELL_MODELS_DIR()
    {
        var run = await Offline.With("LLMSPELL_MODELS_DIR", ModelsDirectory)
            .RunAsync("run", Path.Combine("config", "examples", "local-story.json"), "--input", "Once upon a time", "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var step = run.Json["steps"]!.AsArray().Single()!;
        step["model"]!.GetValue<string>().Should().Be("local/stories260K");
        var text = step["output"]!.GetValue<string>();
        text.Length.Should().BeGreaterThan(40);
        GoldenContinuation().Should().StartWith(text, "temperature 0 is greedy decoding, as llama.cpp's golden run");
        step["cost_usd"]!.GetValue<decimal>().Should().Be(0m);
    }

    [Fact]
    public async Task A_missing_local_model_fails_the_step_saying_where_it_looked()
    {
        var empty = Path.Combine(DataDirectory, "no-models");
        var run = await Offline.With("LLMSPELL_MODELS_DIR", empty)
            .RunAsync("run", Path.Combine("config", "examples", "local-story.json"), "--input", "Once upon a time");

        run.ExitCode.Should().NotBe(0);
        (run.Stdout + run.Stderr).Should().Contain(Path.Combine(empty, "stories260K.gguf")).And.Contain("Put the .gguf file").And.Contain("llmspell models pull local/stories260K");
    }

    [Fact]
    public async Task A_corrupt_local_model_fails_the_step_with_one_line_naming_the_file_not_a_native_crash()
    {
        var dir = Path.Combine(DataDirectory, "bad-models");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "stories260K.gguf");
        await File.WriteAllTextAsync(file, "<html>502 Bad Gateway</html>");

        var run = await Offline.With("LLMSPELL_MODELS_DIR", dir)
            .RunAsync("run", Path.Combine("config", "examples", "local-story.json"), "--input", "Once upon a time");

        run.ExitCode.Should().NotBe(0, run.ToString());
        (run.Stdout + run.Stderr).Should().Contain($"Local model file '{file}' could not be loaded by llama.cpp").And.Contain("Download it again").And.NotContain("   at ");
    }

    [Fact]
    public async Task Template_exec_agent_steps_run_on_a_local_model_given_by_absolute_path()
    {
        var model = "local/" + Path.Combine(ModelsDirectory, "stories260K.gguf");
        var run = await Offline.RunAsync("template", "exec", "workflow-orchestrator",
            "--param", """workflow_config={"steps":[{"name":"story","step_type":"agent","description":"Once upon a time"}]}""",
            "--param", "execution_mode=sequential",
            "--param", "model=" + model,
            "--output", "text");

        run.ExitCode.Should().Be(0, run.ToString());
        // The answer names the model by its file name, as the engine reports it.
        run.Stdout.Should().ContainAll("Agent executed successfully", "Model: local/stories260K", "Tokens: ", "there was a little girl named Lily");
        run.Stderr.Should().Contain("step_completed story");
    }
}
