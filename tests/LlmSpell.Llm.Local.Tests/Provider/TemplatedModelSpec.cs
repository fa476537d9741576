using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.Local.Provider;
using LlmSpell.Llm.Local.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Provider;

/// <summary>Models whose GGUF carries a chat template (stories260K with one written in), served through local/….</summary>
public sealed class TemplatedModelSpec : IDisposable
{
    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "hello")];
    private readonly LocalModelProvider _local = new();
    private readonly ChatClientProvider _provider;

    public TemplatedModelSpec()
    {
        _provider = new ChatClientProvider(LlmProviderOptions.Default.WithLocalModels(_local), environment: _ => null);
    }

    private IChatClient Client(string template) => _provider.GetClient(ModelSpec.Parse("local/" + SyntheticModels.StoriesWithTemplate(template)));

    [Fact]
    public async Task The_template_in_the_GGUF_renders_the_prompt_and_the_tokenizer_adds_one_BOS()
    {
        var client = Client("qwen2.5-instruct");
        var model = client.GetService<LocalModel>()!;
        var rendered = client.GetService<ChatPrompt>()!.Render(Hello);

        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 4 });

        model.ChatTemplate.Should().Be(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Templates", "qwen2.5-instruct.jinja")));
        rendered.Should().Be(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n");
        var expected = model.Tokenize(rendered, addBos: true, parseSpecial: true);
        expected.Count(t => t == TestModels.StoriesBos).Should().Be(1);
        response.Usage!.InputTokenCount.Should().Be(expected.Length);
        response.Usage.OutputTokenCount.Should().Be(4);
    }

    [Fact]
    public async Task A_Llama_2_conversation_opens_with_one_BOS_and_ends_earlier_answers_with_the_EOS_token()
    {
        var client = Client("llama-2-chat");
        var model = client.GetService<LocalModel>()!;
        ChatMessage[] conversation = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello"), new(ChatRole.User, "Bye")];
        var rendered = client.GetService<ChatPrompt>()!.Render(conversation);

        var response = await client.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 4 });

        // llama.cpp's rendering of the Llama 2 family (not a Jinja run of Meta's text, which spaces the answer).
        rendered.Should().Be("[INST] Hi [/INST]Hello</s>[INST] Bye [/INST]");
        var tokens = model.Tokenize(rendered, addBos: true, parseSpecial: true);
        tokens[0].Should().Be(TestModels.StoriesBos);
        tokens.Count(t => t == TestModels.StoriesBos).Should().Be(1);
        tokens.Count(t => t == (int)model.Weights.Vocab.EOS!.Value).Should().Be(1, "</s> is parsed as the EOS id, not text");
        response.Usage!.InputTokenCount.Should().Be(tokens.Length);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _local.Dispose();
    }
}
