using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Chat;

/// <summary>Prompts as the model families' own templates render them, through llama.cpp's template application.</summary>
public sealed class ChatPromptSpec
{
    private static string Jinja(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Templates", name + ".jinja"));

    private static ChatPrompt Template(string name) => ChatPrompt.For(Jinja(name), name, new FixedClock(new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero)));

    private static ChatMessage System(string text) => new(ChatRole.System, text);

    private static ChatMessage User(string text) => new(ChatRole.User, text);

    private static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    [Fact]
    public void SmolLM2_puts_its_default_system_prompt_first_when_there_is_none()
    {
        var template = Template("smollm2-instruct");

        template.HasTemplate.Should().BeTrue();
        template.Render([User("What is 2+2?")]).Should().Be(
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n" +
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n" +
            "<|im_start|>assistant\n");
    }

    [Fact]
    public void SmolLM2_uses_the_given_system_prompt_and_renders_every_turn()
    {
        Template("smollm2-instruct").Render([System("Be terse."), User("Hi"), Assistant("Hello."), User(" And now? ")]).Should().Be(
            "<|im_start|>system\nBe terse.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n" +
            "<|im_start|>assistant\nHello.<|im_end|>\n" +
            "<|im_start|>user\n And now? <|im_end|>\n" +
            "<|im_start|>assistant\n");
    }

    [Fact]
    public void Qwen_puts_its_default_system_prompt_first_and_keeps_content_untrimmed()
    {
        var template = Template("qwen2.5-instruct");

        template.DefaultSystemPrompt.Should().Be("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.");
        template.Render([User(" Hello ")]).Should().Be(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\n Hello <|im_end|>\n" +
            "<|im_start|>assistant\n");
        template.Render([System("You translate."), User("Bonjour")]).Should().Be(
            "<|im_start|>system\nYou translate.<|im_end|>\n<|im_start|>user\nBonjour<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public void A_ChatML_template_without_a_default_system_prompt_adds_none()
    {
        var template = ChatPrompt.For("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}", "m");

        template.Render([User("Hi")]).Should().Be("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public void Llama_3_2_opens_with_a_dated_system_turn_and_trims_contents_leaving_BOS_to_the_tokenizer()
    {
        Template("llama-3.2-instruct").Render([System("  Be brief.\n"), User(" Hi!\n"), Assistant("Hello."), User("Bye")]).Should().Be(
            "<|start_header_id|>system<|end_header_id|>\n\n" +
            "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2026\n\n" +
            "Be brief.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    [Fact]
    public void Llama_3_2_without_a_system_message_still_has_the_dated_system_turn()
    {
        Template("llama-3.2-instruct").Render([User("Hi")]).Should().Be(
            "<|start_header_id|>system<|end_header_id|>\n\n" +
            "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2026\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    [Fact]
    public void Llama_3_1_prints_its_fixed_date_when_the_template_has_no_strftime_now()
    {
        var jinja = Jinja("llama-3.2-instruct").Replace("strftime_now is defined", "false", StringComparison.Ordinal).Replace("strftime_now(\"%d %b %Y\")", "\"\"", StringComparison.Ordinal);

        ChatPrompt.For(jinja, "llama-3.1", new FixedClock(DateTimeOffset.UnixEpoch)).Render([User("Hi")])
            .Should().Contain("Today Date: 26 Jul 2024\n\n");
    }

    [Fact]
    public void Llama_3_0_has_no_system_turn_unless_given_one()
    {
        var template = Template("llama-3-instruct");

        template.Render([User("Hi")]).Should().Be(
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        template.Render([System("Sys"), User("Hi")]).Should().StartWith("<|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|>");
    }

    [Fact]
    public void Gemma_2_is_rendered_in_its_own_format_which_llama_cpp_knows()
    {
        Template("gemma-2-it").Render([User("Hi")]).Should().Be(
            "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
    }

    [Fact]
    public void A_model_without_a_template_gets_a_plain_completion_prompt()
    {
        var template = ChatPrompt.For(null, "stories");

        template.HasTemplate.Should().BeFalse("plain text is never parsed for special tokens");
        template.Render([User("Once upon a time")]).Should().Be("Once upon a time");
    }

    [Fact]
    public void A_template_llama_cpp_does_not_recognise_is_an_error_naming_the_model()
    {
        var act = () => ChatPrompt.For("{{ messages | tojson }} <<MY_OWN_FORMAT>>", "custom-7b");

        act.Should().Throw<LlmConfigurationException>()
            .WithMessage("*'custom-7b'*chat template llama.cpp does not recognise*MY_OWN_FORMAT*");
    }

    [Fact]
    public void Instructions_become_a_leading_system_message_and_empty_messages_are_dropped()
    {
        var messages = ChatPrompt.WithInstructions([User("Hi"), Assistant("")], "Answer in French.");

        Template("smollm2-instruct").Render(messages).Should().Be(
            "<|im_start|>system\nAnswer in French.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }
}
