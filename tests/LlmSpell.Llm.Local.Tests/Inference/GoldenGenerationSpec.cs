using LlmSpell.Llm.Local.Inference;
using LlmSpell.Llm.Local.Tests.Support;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Tests.Inference;

/// <summary>The acceptance test: llama.cpp's greedy generations on stories260K, token for token.</summary>
public sealed class GoldenGenerationSpec
{
    public static TheoryData<int> Cases() => new() { 0, 1, 2, 3, 4 };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prompt_tokens_match_llama_cpp(int index)
    {
        var golden = TestModels.Golden().Cases[index];
        TestModels.Stories.Tokenizer.Encode(golden.Prompt).Should().Equal(golden.PromptTokens, $"prompt '{golden.Prompt}'");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_generation_matches_llama_cpp_token_for_token(int index)
    {
        var file = TestModels.Golden();
        var golden = file.Cases[index];
        var model = TestModels.Stories;
        var session = model.CreateSession(256);
        var output = new int[file.MaxNewTokens];
        var n = session.GenerateGreedy(model.Tokenizer.Encode(golden.Prompt).ToArray(), output, file.MaxNewTokens, stopAtEos: false);

        output[..n].Should().Equal(golden.OutputTokens, $"prompt '{golden.Prompt}'");
        StreamingDetokenizer.Decode(model.Vocabulary, output[..n]).Should().Be(golden.OutputText);
    }
}
