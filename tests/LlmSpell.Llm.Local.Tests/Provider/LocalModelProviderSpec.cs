using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Provider;
using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Llm.Pricing;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Provider;

public sealed class LocalModelProviderSpec
{
    private static string ModelPath => TestModels.PathOf(TestModels.Stories260K);
    private static string ModelsDir => Path.GetDirectoryName(ModelPath)!;

    private static ChatClientProvider Provider(string? modelsDir = null) =>
        new(LlmProviderOptions.Default.WithLocalModels(new LocalModelProvider()).WithModelsDirectory(modelsDir ?? ModelsDir));

    [Fact]
    public async Task An_absolute_path_spec_is_served_by_the_in_process_engine_with_usage()
    {
        using var provider = Provider("/nonexistent");
        var client = provider.GetClient(ModelSpec.Parse("local/" + ModelPath));
        var response = await client.GetResponseAsync("Once upon a time", new ChatOptions { MaxOutputTokens = 24, Temperature = 0 });

        var golden = TestModels.Golden().Cases.Single(c => c.Prompt == "Once upon a time");
        response.Text.Length.Should().BeGreaterThan(40);
        golden.OutputText.Should().StartWith(response.Text);
        response.Usage!.InputTokenCount.Should().Be(golden.PromptTokens.Length);
        response.Usage.OutputTokenCount.Should().Be(24);
        provider.Costs.CostUsd(ModelSpec.Parse("local/x"), response.Usage).Should().Be(0m);
    }

    [Fact]
    public void A_name_is_looked_up_in_the_models_directory_and_loaded_once()
    {
        using var provider = Provider();
        var byName = provider.GetClient(ModelSpec.Parse("local/stories260K"));
        var byPath = provider.GetClient(ModelSpec.Parse("local/" + ModelPath));
        byName.GetService<LocalModel>().Should().BeSameAs(byPath.GetService<LocalModel>());
        byName.GetService<LocalModel>().Should().NotBeNull();
        provider.Providers.Should().Contain("local");
    }

    [Fact]
    public void A_missing_model_says_where_it_looked_and_how_to_get_one()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"llmspell-models-{Guid.NewGuid():N}");
        using var provider = Provider(dir);
        var act = () => provider.GetClient(ModelSpec.Parse("local/nosuchmodel"));
        act.Should().Throw<LlmModelNotFoundException>()
            .WithMessage($"*{Path.Combine(dir, "nosuchmodel.gguf")}*")
            .WithMessage("*Put the .gguf file*absolute path*llmspell models pull local/nosuchmodel*");
    }

    [Fact]
    public void Without_the_engine_registered_local_specs_are_a_configuration_error()
    {
        using var provider = new ChatClientProvider();
        var act = () => provider.GetClient(ModelSpec.Parse("local/stories260K"));
        act.Should().Throw<LlmConfigurationException>().WithMessage("*WithLocalModels*");
    }

    [Fact]
    public async Task A_request_does_not_wait_for_another_open_stream_on_the_same_model()
    {
        using var provider = Provider();
        var client = provider.GetClient(ModelSpec.Parse("local/stories260K"));
        var options = new ChatOptions { MaxOutputTokens = 24, Temperature = 0 };
        await using var first = client.GetStreamingResponseAsync("Once upon a time", options).GetAsyncEnumerator();
        (await first.MoveNextAsync()).Should().BeTrue();

        // The first stream is open and unread; the second request is decoded beside it and completes on its own.
        var second = await client.GetResponseAsync("Once upon a time", options);

        TestModels.Golden().Cases[0].OutputText.Should().StartWith(second.Text);
        var rest = first.Current.Text;
        while (await first.MoveNextAsync()) rest += first.Current.Text;
        rest.Should().Be(second.Text);
    }

    [Fact]
    public async Task Parallel_requests_on_one_model_share_its_weights_and_are_decoded_together()
    {
        using var local = new LocalModelProvider();
        using var provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(local).WithModelsDirectory(ModelsDir));
        var client = provider.GetClient(ModelSpec.Parse("local/stories260K"));
        var model = client.GetService<LocalModel>()!;
        var golden = TestModels.Golden();
        Task<ChatResponse>[] answers;

        using (model.Decoder.Hold())
        {
            answers = golden.Cases.Take(3).Select(c => client.GetResponseAsync(c.Prompt, new ChatOptions { MaxOutputTokens = golden.MaxNewTokens, Temperature = 0 })).ToArray();
            model.Decoder.Queued.Should().Be(3, "each call submits its request before its first await");
        }
        var texts = (await Task.WhenAll(answers)).Select(a => a.Text).ToArray();

        model.PeakBatchSequences.Should().Be(3);
        texts.Should().Equal(golden.Cases.Take(3).Select(c => c.OutputText));
    }

    [Fact]
    public void The_models_directory_comes_from_options_then_the_environment_then_the_data_home()
    {
        LlmProviderOptions.Default.WithModelsDirectory("/a").ResolveModelsDirectory(_ => "/b").Should().Be("/a");
        LlmProviderOptions.Default.ResolveModelsDirectory(v => v == LlmProviderOptions.ModelsDirectoryVariable ? "/b" : null).Should().Be("/b");
        LlmProviderOptions.Default.WithDataDirectory("/data").ResolveModelsDirectory(_ => null).Should().Be(Path.Combine("/data", "models"));
        LlmProviderOptions.Default.ResolveModelsDirectory(v => v == DataHome.EnvironmentVariable ? "/home-of-data" : null).Should().Be(Path.Combine("/home-of-data", "models"));
    }

    [Fact]
    public void Local_models_are_free()
    {
        PriceTable.Default.Find(ModelSpec.Parse("local/stories260K")).Should().Be(ModelPrice.Free);
    }
}
