using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Chat;

/// <summary>The chat client over models with a chat template (tiny synthetic models that always emit one chosen token).</summary>
public sealed class TemplatedChatSpec
{
    private static string Jinja(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Templates", name + ".jinja"));

    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "hello")];

    [Fact]
    public async Task A_ChatML_model_gets_its_template_with_special_tokens_as_ids_and_stops_at_im_end()
    {
        var file = new BpeModelFile { Pre = "smollm", ChatTemplate = Jinja("smollm2-instruct") };
        var model = TinyBpeModel.Load(file, alwaysEmits: "<|im_end|>");
        using var client = new LocalChatClient(model, "smollm");
        var rendered = client.GetService<ChatTemplate>()!.Render(Hello);
        var expectedPrompt = model.Tokenizer.Encode(rendered, addBos: false, parseSpecial: true);
        rendered.Should().Be(
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n" +
            "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n");

        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 20 });

        expectedPrompt.Should().StartWith([file.IdOf("<|im_start|>")]).And.EndWith([file.IdOf("<|im_start|>"), file.IdOf("a"), file.IdOf("s"), file.IdOf("s"), file.IdOf("i"), file.IdOf("s"), file.IdOf("t"), file.IdOf("a"), file.IdOf("n"), file.IdOf("t"), file.IdOf("Ċ")]);
        response.Usage!.InputTokenCount.Should().Be(expectedPrompt.Count);
        response.Text.Should().BeEmpty();
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage.OutputTokenCount.Should().Be(1);
    }

    [Fact]
    public async Task A_Llama_3_model_gets_exactly_one_BOS_and_stops_at_eot_id()
    {
        var file = new BpeModelFile { Pre = "llama-bpe", BosToken = "<|begin_of_text|>", ChatTemplate = Jinja("llama-3.2-instruct") };
        var model = TinyBpeModel.Load(file, alwaysEmits: "<|eot_id|>");
        using var client = new LocalChatClient(model, "llama", clock: new FixedClock(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero)));
        var rendered = client.GetService<ChatTemplate>()!.Render(Hello);
        var prompt = model.Tokenizer.Encode(rendered, addBos: false, parseSpecial: true);
        rendered.Should().Be(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 21 Nov 2026\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nhello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");

        var response = await client.GetResponseAsync(Hello);

        model.Vocabulary.AddBos.Should().BeTrue("Llama 3 files ask for BOS");
        prompt.Count(t => t == file.IdOf("<|begin_of_text|>")).Should().Be(1);
        prompt[0].Should().Be(file.IdOf("<|begin_of_text|>"));
        response.Usage!.InputTokenCount.Should().Be(prompt.Count);
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage.OutputTokenCount.Should().Be(1);
    }

    [Fact]
    public async Task Other_tokens_do_not_end_the_turn()
    {
        var model = TinyBpeModel.Load(new BpeModelFile { ChatTemplate = Jinja("qwen2.5-instruct") }, alwaysEmits: "hello");
        using var client = new LocalChatClient(model, "qwen");

        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 3 });

        response.Text.Should().Be("hellohellohello");
        response.FinishReason.Should().Be(ChatFinishReason.Length);
    }

    [Fact]
    public void A_model_with_an_unrecognised_template_cannot_be_served()
    {
        var model = TinyBpeModel.Load(new BpeModelFile { ChatTemplate = Jinja("gemma-2-it") }, alwaysEmits: "hello");

        var act = () => new LocalChatClient(model, "gemma-2-2b-it");

        act.Should().Throw<LlmConfigurationException>().WithMessage("*'gemma-2-2b-it'*Supported:*");
    }
}
