using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Provider;
using LlmSpell.Llm.Local.Sampling;
using LlmSpell.Llm.Local.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Provider;

/// <summary>The acceptance test: llama.cpp's greedy generations on stories260K, token for token, through local/….</summary>
public sealed class GoldenGenerationSpec : IDisposable
{
    private readonly LocalModelProvider _local = new();
    private readonly ChatClientProvider _provider;

    public GoldenGenerationSpec()
    {
        _provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(_local), environment: _ => null);
    }

    public static TheoryData<int> Cases() => new() { 0, 1, 2, 3, 4 };

    private IChatClient Client => _provider.GetClient(ModelSpec.Parse("local/" + TestModels.PathOf(TestModels.Stories260K)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prompt_tokens_match_llama_cpp(int index)
    {
        var golden = TestModels.Golden().Cases[index];
        var model = Client.GetService<LocalModel>()!;

        model.Tokenize(golden.Prompt, addBos: true, parseSpecial: false).Should().Equal(golden.PromptTokens, $"prompt '{golden.Prompt}'");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Greedy_generation_matches_llama_cpp_token_for_token(int index)
    {
        var file = TestModels.Golden();
        var golden = file.Cases[index];
        var model = Client.GetService<LocalModel>()!;

        using var generation = model.Generate(golden.PromptTokens, SamplingOptions.Greedy, file.MaxNewTokens, isStop: _ => false);
        var ids = new List<int>();
        await foreach (var id in generation.Tokens.ReadAllAsync()) ids.Add(id);

        ids.Should().Equal(golden.OutputTokens, $"prompt '{golden.Prompt}'");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_chat_client_answers_with_llama_cpp_s_text_and_counts(int index)
    {
        var file = TestModels.Golden();
        var golden = file.Cases[index];

        var response = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, golden.Prompt)], new ChatOptions { MaxOutputTokens = file.MaxNewTokens, Temperature = 0 });

        // The golden runs did not stop at end-of-generation tokens; none of the five reaches one within 48 tokens.
        response.Text.Should().Be(golden.OutputText);
        response.Usage!.InputTokenCount.Should().Be(golden.PromptTokens.Length);
        response.Usage.OutputTokenCount.Should().Be(file.MaxNewTokens);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _local.Dispose();
    }
}
