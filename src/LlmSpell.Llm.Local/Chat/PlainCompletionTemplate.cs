using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>A model without a chat template: <see cref="PlainCompletionPrompt"/>; user text is never parsed for special tokens.</summary>
public sealed class PlainCompletionTemplate : ChatTemplate
{
    public static readonly PlainCompletionTemplate Instance = new();

    private PlainCompletionTemplate()
    {
    }

    public override string Family => "plain";

    public override bool ParseSpecial => false;

    public override string Render(IReadOnlyList<ChatMessage> messages) => PlainCompletionPrompt.Build(messages);
}
