using System.Text;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// The prompt for a model without a chat template: a lone user message is continued as plain text; a conversation
/// becomes "Role: text" lines ending with "Assistant:" (a transcript the model continues).
/// </summary>
public static class PlainCompletionPrompt
{
    public static string Build(IEnumerable<ChatMessage> messages, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.Where(m => !string.IsNullOrEmpty(m.Text)).ToList();
        if (string.IsNullOrEmpty(instructions) && list.Count == 1 && list[0].Role == ChatRole.User) return list[0].Text;

        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(instructions)) sb.Append("System: ").Append(instructions).Append('\n');
        foreach (var m in list) sb.Append(RoleName(m.Role)).Append(": ").Append(m.Text).Append('\n');
        return sb.Append("Assistant:").ToString();
    }

    private static string RoleName(ChatRole role) =>
        role == ChatRole.System ? "System" : role == ChatRole.Assistant ? "Assistant" : role == ChatRole.Tool ? "Tool" : "User";
}
