using LlmSpell.Llm.Local.Chat;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Tests.Chat;

public sealed class PlainCompletionPromptSpec
{
    [Fact]
    public void A_lone_user_message_is_continued_verbatim()
    {
        PlainCompletionPrompt.Build([new ChatMessage(ChatRole.User, "Once upon a time")]).Should().Be("Once upon a time");
    }

    [Fact]
    public void A_conversation_becomes_a_transcript_for_the_assistant_to_continue()
    {
        var prompt = PlainCompletionPrompt.Build(
            [new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.Assistant, "Hello"), new ChatMessage(ChatRole.User, "A story?")],
            instructions: "Be brief.");

        prompt.Should().Be("System: Be brief.\nUser: Hi\nAssistant: Hello\nUser: A story?\nAssistant:");
    }
}
