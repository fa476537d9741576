using LlmSpell.Llm.Ollama;
using LlmSpell.TestServers;
using Microsoft.Extensions.AI;
using OllamaSharp.Models;

namespace LlmSpell.Llm.Tests.Ollama;

public sealed class OllamaApiSpec : IClassFixture<OllamaServerFixture>, IDisposable
{
    private readonly OllamaTestServer _server;
    private readonly OllamaEndpoint _ollama;

    public OllamaApiSpec(OllamaServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
        _ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl));
    }

    public void Dispose() => _ollama.Dispose();

    [Fact]
    public async Task Tags_list_the_installed_models_with_their_details()
    {
        var models = await _ollama.ListModelsAsync();

        models.Select(m => m.Name).Should().Contain(["llama3.2:3b", "nomic-embed-text:latest"]);
        var llama = models.Single(m => m.Name == "llama3.2:3b");
        llama.Size.Should().BeGreaterThan(0);
        llama.Details!.ParameterSize.Should().Be("3.2B");
        llama.Details.QuantizationLevel.Should().Be("Q4_K_M");
        _server.Requests.Single().Method.Should().Be("GET");
    }

    [Fact]
    public async Task Show_describes_a_model_and_an_unknown_one_is_a_model_not_found_error()
    {
        var info = await _ollama.ShowModelAsync("llama3.2:3b");

        info.Details!.Family.Should().Be("llama");
        info.Capabilities.Should().Contain("tools");
        ((System.Text.Json.JsonElement)info.Info.ExtraInfo!["llama.context_length"]!).GetInt32().Should().Be(131072);

        var act = () => _ollama.ShowModelAsync("mystery:7b");
        (await act.Should().ThrowAsync<LlmModelNotFoundException>()).Which.Message.Should().Contain("mystery:7b").And.Contain("ollama pull mystery:7b");
    }

    [Fact]
    public async Task Version_reports_the_server_version()
    {
        _server.Version = "0.9.1";

        (await _ollama.GetVersionAsync()).Should().Be("0.9.1");
    }

    [Fact]
    public async Task Pull_reports_progress_until_success()
    {
        var seen = new List<PullModelResponse>();

        await _ollama.PullAsync("qwen2.5:0.5b", new SynchronousProgress<PullModelResponse>(seen.Add));

        seen.First().Status.Should().Be("pulling manifest");
        seen.Last().Status.Should().Be("success");
        var layer = seen.Where(p => p.Total == 1000).ToList();
        layer.Select(p => p.Completed).Should().Equal(0, 500, 1000);
        layer.Last().Percent.Should().Be(100);
        _server.Models.Should().Contain("qwen2.5:0.5b");
        _server.Requests.Single().Json!["model"]!.GetValue<string>().Should().Be("qwen2.5:0.5b");
    }

    [Fact]
    public async Task Pull_streams_as_an_async_sequence_and_a_failed_pull_says_why()
    {
        var statuses = new List<string>();
        await foreach (var p in _ollama.PullStreamingAsync("llama3.2:3b")) statuses.Add(p.Status);
        statuses.Should().StartWith("pulling manifest").And.EndWith("success");

        _server.OnModel("no-such-model", ScriptedReply.Text("x").ErrorLineAfter(1, "pull model manifest: file does not exist"));
        var act = () => _ollama.PullAsync("no-such-model");
        (await act.Should().ThrowAsync<LlmRequestException>()).Which.Message.Should().Contain("could not pull 'no-such-model'").And.Contain("file does not exist");
    }

    [Fact]
    public async Task A_pull_cut_short_is_an_error()
    {
        _server.OnModel("big:70b", ScriptedReply.Text("x").TruncatedAfter(3));

        var act = () => _ollama.PullAsync("big:70b");

        (await act.Should().ThrowAsync<LlmTransientException>()).Which.Message.Should().Contain("without a \"success\" status");
    }

    [Fact]
    public async Task Generate_answers_whole_or_streamed()
    {
        _server.Always(ScriptedReply.Text("def gcd(a, b):").WithUsage(17, 4));

        // /api/generate is OllamaSharp's own call, on our HTTP pipeline.
        var whole = new List<GenerateResponseStream?>();
        await foreach (var c in _ollama.Api.GenerateAsync(new GenerateRequest { Model = "codellama:code", Prompt = "gcd in python", Raw = true, Stream = false })) whole.Add(c);
        var chunks = new List<GenerateResponseStream?>();
        await foreach (var c in _ollama.Api.GenerateAsync(new GenerateRequest { Model = "codellama:code", Prompt = "gcd" })) chunks.Add(c);

        var done = whole.Single().Should().BeOfType<GenerateDoneResponseStream>().Subject;
        done.Response.Should().Be("def gcd(a, b):");
        done.EvalCount.Should().Be(4);
        done.PromptEvalCount.Should().Be(17);
        string.Concat(chunks.Select(c => c!.Response)).Should().Be("def gcd(a, b):");
        chunks.Last()!.Done.Should().BeTrue();
        chunks.Last().Should().BeOfType<GenerateDoneResponseStream>().Which.DoneReason.Should().Be("stop");
        var requests = _server.Requests;
        requests[0].Path.Should().Be("/api/generate");
        requests[0].Json!["stream"]!.GetValue<bool>().Should().BeFalse();
        requests[0].Json!["raw"]!.GetValue<bool>().Should().BeTrue();
        requests[1].Json!["stream"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Embeddings_come_back_in_input_order_with_usage()
    {
        using var generator = _ollama.AsEmbeddingGenerator("nomic-embed-text");

        var embeddings = await generator.GenerateAsync(["why is the sky blue", "grass"], new EmbeddingGenerationOptions { Dimensions = 6 });

        embeddings.Should().HaveCount(2);
        embeddings[0].Vector.ToArray().Should().Equal(OllamaTestServer.Vector("why is the sky blue", 6));
        embeddings[1].Vector.ToArray().Should().Equal(OllamaTestServer.Vector("grass", 6));
        embeddings[0].ModelId.Should().Be("nomic-embed-text");
        embeddings.Usage!.InputTokenCount.Should().Be(6);
        var sent = _server.Requests.Single();
        sent.Path.Should().Be("/api/embed");
        sent.Json!["input"]!.AsArray().Select(i => i!.GetValue<string>()).Should().Equal("why is the sky blue", "grass");
        sent.Json["dimensions"]!.GetValue<int>().Should().Be(6);
        generator.GetService<EmbeddingGeneratorMetadata>()!.ProviderUri.Should().Be(_server.BaseUrl);
    }

    [Fact]
    public async Task Embeddings_of_an_unknown_model_name_the_fix()
    {
        _server.OnModel("nope-embed", ScriptedReply.Error(404, "model \"nope-embed\" not found, try pulling it first"));
        using var generator = _ollama.AsEmbeddingGenerator("nope-embed");

        var act = () => generator.GenerateAsync(["x"]);

        (await act.Should().ThrowAsync<LlmModelNotFoundException>()).Which.Message.Should().Contain("ollama pull nope-embed");
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order and done when the call returns.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
