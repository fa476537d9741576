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
        byName.GetService<LlmSpell.Llm.Local.Inference.LlamaModel>().Should().BeSameAs(byPath.GetService<LlmSpell.Llm.Local.Inference.LlamaModel>());
        byName.GetService<LlmSpell.Llm.Local.Inference.LlamaModel>().Should().NotBeNull();
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
    public async Task A_model_serves_one_request_at_a_time()
    {
        using var provider = Provider();
        var client = provider.GetClient(ModelSpec.Parse("local/stories260K"));
        var options = new ChatOptions { MaxOutputTokens = 8 };
        await using var first = client.GetStreamingResponseAsync("Once upon a time", options).GetAsyncEnumerator();
        (await first.MoveNextAsync()).Should().BeTrue();

        // The first stream holds the model: the second request waits until it ends.
        var second = client.GetResponseAsync("Once upon a time", options);
        second.IsCompleted.Should().BeFalse();
        while (await first.MoveNextAsync()) { }
        await first.DisposeAsync();
        (await second).Text.Should().NotBeEmpty();
    }

    [Fact]
    public void The_models_directory_comes_from_options_then_the_environment_then_the_home_folder()
    {
        LlmProviderOptions.Default.WithModelsDirectory("/a").ResolveModelsDirectory(_ => "/b").Should().Be("/a");
        LlmProviderOptions.Default.ResolveModelsDirectory(v => v == LlmProviderOptions.ModelsDirectoryVariable ? "/b" : null).Should().Be("/b");
        LlmProviderOptions.Default.ResolveModelsDirectory(_ => null).Should().EndWith(Path.Combine(".llmspell", "models"));
    }

    [Fact]
    public void Local_models_are_free()
    {
        PriceTable.Default.Find(ModelSpec.Parse("local/stories260K")).Should().Be(ModelPrice.Free);
    }
}
