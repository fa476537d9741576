using System.Security.Cryptography;
using LlmSpell.Cli.Tests.Support;
using LlmSpell.TestServers;

namespace LlmSpell.Cli.Tests.Commands;

/// <summary><c>llmspell models pull</c> as a real process: GGUF downloads from a loopback file server, and Ollama pulls.</summary>
public sealed class ModelsPullSpec(OllamaFixture ollama) : CliSpec(ollama), IAsyncLifetime
{
    private static readonly byte[] Content = MakeContent();
    private static readonly string ContentSha = Convert.ToHexStringLower(SHA256.HashData(Content));

    private FileTestServer _files = null!;
    private Uri _url = null!;

    private string ModelsDir => Path.Combine(DataDirectory, "models");

    private Support.Cli Local => Offline.With("LLMSPELL_MODELS_DIR", ModelsDir);

    public async Task InitializeAsync()
    {
        _files = await FileTestServer.StartAsync();
        _url = _files.Serve("/org/repo/resolve/main/tiny.gguf", Content);
    }

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Downloads_a_GGUF_file_into_the_models_folder_and_verifies_it()
    {
        var run = await Local.RunAsync("models", "pull", "local/tiny", "--url", _url.ToString(), "--sha256", ContentSha);

        run.ExitCode.Should().Be(0, run.ToString());
        File.ReadAllBytes(Path.Combine(ModelsDir, "tiny.gguf")).Should().Equal(Content);
        File.Exists(Path.Combine(ModelsDir, "tiny.gguf.partial")).Should().BeFalse();
        run.Stdout.Should().Contain("local/tiny: downloaded").And.Contain($"sha256 {ContentSha} (verified)");
        run.Stderr.Should().Contain("tiny.gguf: 0.0 of 1.9 MB (0%)").And.Contain("tiny.gguf: 1.9 of 1.9 MB (100%)");
    }

    [Fact]
    public async Task Models_lists_a_pulled_file_as_a_local_model_but_not_a_partial_one()
    {
        Directory.CreateDirectory(ModelsDir);
        File.WriteAllBytes(Path.Combine(ModelsDir, "half.gguf.partial"), Content[..1000]);
        await Local.RunAsync("models", "pull", "local/tiny", "--url", _url.ToString());

        var text = await Local.RunAsync("models");
        var json = await Local.RunAsync("models", "--output", "json");

        text.Stdout.Should().MatchRegex(@"local/tiny\s+2 MB").And.NotContain("half");
        var local = json.Json["local"]!;
        local["models_dir"]!.GetValue<string>().Should().Be(ModelsDir);
        local["models"]!.AsArray().Select(m => m!["spec"]!.GetValue<string>()).Should().Equal("local/tiny");
        local["models"]![0]!["size_bytes"]!.GetValue<long>().Should().Be(Content.Length);
    }

    [Fact]
    public async Task Resumes_the_partial_file_an_earlier_run_left()
    {
        Directory.CreateDirectory(ModelsDir);
        File.WriteAllBytes(Path.Combine(ModelsDir, "tiny.gguf.partial"), Content[..500_000]);

        var run = await Local.RunAsync("models", "pull", "local/tiny", "--url", _url.ToString(), "--output", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        _files.Requests.Single().Headers["range"].Should().Be("bytes=500000-");
        run.Json["resumed_from"]!.GetValue<long>().Should().Be(500_000);
        run.Json["sha256"]!.GetValue<string>().Should().Be(ContentSha);
        run.Json["verified"]!.GetValue<bool>().Should().BeFalse();
        File.ReadAllBytes(Path.Combine(ModelsDir, "tiny.gguf")).Should().Equal(Content);
    }

    [Fact]
    public async Task A_pulled_model_runs_the_local_story_workflow()
    {
        var model = await File.ReadAllBytesAsync(Path.Combine(LocalModelRunSpec.ModelsDirectory, "stories260K.gguf"));
        var url = _files.Serve("/ggml-org/models/resolve/main/stories260K.gguf", model);

        var pull = await Local.RunAsync("models", "pull", "local/stories260K", "--url", url.ToString(), "--sha256", Convert.ToHexStringLower(SHA256.HashData(model)));
        var run = await Local.RunAsync("run", Path.Combine("config", "examples", "local-story.json"), "--input", "Once upon a time", "--output", "json");

        pull.ExitCode.Should().Be(0, pull.ToString());
        run.ExitCode.Should().Be(0, run.ToString());
        var step = run.Json["steps"]!.AsArray().Single()!;
        step["model"]!.GetValue<string>().Should().Be("local/stories260K");
        step["output"]!.GetValue<string>().Should().StartWith(", there was a little girl named Lily");
    }

    [Fact]
    public async Task A_SHA256_mismatch_fails_naming_both_hashes_and_keeps_nothing()
    {
        var wrong = new string('0', 64);

        var run = await Local.RunAsync("models", "pull", "local/tiny", "--url", _url.ToString(), "--sha256", wrong);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain(wrong).And.Contain(ContentSha);
        Directory.EnumerateFiles(ModelsDir).Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_file_fails_with_the_HTTP_status_and_the_URL()
    {
        var missing = new Uri(_files.BaseUrl, "org/repo/resolve/main/absent.gguf").ToString();

        var run = await Local.RunAsync("models", "pull", "local/absent", "--url", missing);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("HTTP 404").And.Contain(missing);
    }

    [Fact]
    public async Task A_name_outside_the_catalog_without_url_is_a_usage_error_listing_the_catalog()
    {
        var run = await Local.RunAsync("models", "pull", "local/no-such-model");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("not in the catalog").And.Contain("--url").And.Contain("smollm2-135m-instruct-q8_0");
    }

    [Fact]
    public async Task A_malformed_sha256_is_a_usage_error()
    {
        var run = await Local.RunAsync("models", "pull", "local/tiny", "--url", _url.ToString(), "--sha256", "1234");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--sha256").And.Contain("64 hexadecimal digits");
        _files.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_ollama_spec_is_pulled_by_the_Ollama_server()
    {
        var run = await Cli.RunAsync("models", "pull", "ollama/qwen2.5:0.5b");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("ollama/qwen2.5:0.5b: pulled");
        Ollama.Requests.Should().Contain(r => r.Path == "/api/pull" && r.Model == "qwen2.5:0.5b");
        run.Stderr.Should().Contain("pulling manifest");
    }

    [Fact]
    public async Task Url_and_sha256_are_refused_for_ollama_specs()
    {
        var run = await Cli.RunAsync("models", "pull", "ollama/qwen2.5:0.5b", "--url", _url.ToString());

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("local/ models only");
    }

    private static byte[] MakeContent()
    {
        var bytes = new byte[2_000_000];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}
