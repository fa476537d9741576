using System.Text;
using LlmSpell.Llm.Local.Provider;
using LlmSpell.Llm.Local.Tests.Support;
using LLama;
using LLama.Common;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Engine;

/// <summary>On a quantized model of realistic shape, local/… answers exactly as LLamaSharp's own executor does.</summary>
public sealed class RawExecutorParitySpec
{
    private const int Tokens = 128;
    private const string Prompt = "Once upon a time";

    [Fact]
    public async Task Greedy_output_on_a_25M_Q8_0_model_equals_the_raw_executor_s_for_128_tokens()
    {
        var path = SyntheticModels.PathOf(SyntheticModels.Q8_25M);
        var raw = await RawExecutorAsync(path);
        using var local = new LocalModelProvider();
        using var provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(local), environment: _ => null);

        var response = await provider.GetClient(ModelSpec.Parse("local/" + path))
            .GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], new ChatOptions { MaxOutputTokens = Tokens, Temperature = 0 });

        raw.Length.Should().BeGreaterThan(100, "random weights still give a long text");
        // The same tokens; the chat answer drops the first piece's word-start space, as llama.cpp's detokenizer does.
        response.Text.Should().Be(raw.StartsWith(' ') ? raw[1..] : raw);
        response.Usage!.OutputTokenCount.Should().Be(Tokens);
    }

    private static async Task<string> RawExecutorAsync(string path)
    {
        var parameters = new ModelParams(path) { ContextSize = 512, Threads = Environment.ProcessorCount <= 4 ? Environment.ProcessorCount : Environment.ProcessorCount / 2 };
        LlmSpell.Llm.Local.Engine.NativeBackend.EnsureLoaded();
        using var weights = LLamaWeights.LoadFromFile(parameters);
        var executor = new StatelessExecutor(weights, parameters);
        var text = new StringBuilder();
        await foreach (var piece in executor.InferAsync(Prompt, new InferenceParams { MaxTokens = Tokens, SamplingPipeline = new GreedySamplingPipeline() }))
            text.Append(piece);
        return text.ToString();
    }
}
