using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// ChatML as Qwen2/2.5 and SmolLM2 templates render it: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message,
/// then <c>&lt;|im_start|&gt;assistant\n</c>. When the conversation has no leading system message and the template has a
/// default one (Qwen's "You are Qwen, created by Alibaba Cloud…", SmolLM's "You are a helpful AI assistant named SmolLM…"),
/// that one comes first.
/// </summary>
public sealed partial class ChatMlTemplate : ChatTemplate
{
    public ChatMlTemplate(string jinja)
    {
        ArgumentNullException.ThrowIfNull(jinja);
        var m = DefaultSystemLiteral().Match(jinja);
        DefaultSystemPrompt = m.Success ? UnescapeJinjaString(m.Groups["text"].Value) : null;
    }

    public override string Family => "chatml";

    /// <summary>The system prompt the template inserts when the messages have none; null if it has none.</summary>
    public string? DefaultSystemPrompt { get; }

    /// <summary><c>&lt;|im_end|&gt;</c>, and <c>&lt;|endoftext|&gt;</c>, which llama.cpp also treats as an end of generation.</summary>
    public override IReadOnlyList<string> EndOfTurnTokens => ["<|im_end|>", "<|endoftext|>"];

    public override string Render(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder();
        if (DefaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != ChatRole.System))
            Turn(sb, "system", DefaultSystemPrompt);
        foreach (var m in messages) Turn(sb, m.Role.Value, m.Text);
        return sb.Append("<|im_start|>assistant\n").ToString();
    }

    private static void Turn(StringBuilder sb, string role, string content) =>
        sb.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");

    /// <summary>Undoes Jinja's (Python's) escapes in a string literal: \n, \t, \r, \\ and quotes.</summary>
    private static string UnescapeJinjaString(string literal)
    {
        var sb = new StringBuilder(literal.Length);
        for (var i = 0; i < literal.Length; i++)
        {
            var c = literal[i];
            if (c != '\\' || i + 1 == literal.Length)
            {
                sb.Append(c);
                continue;
            }
            var e = literal[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                default: sb.Append('\\').Append(e); break; // not an escape Python knows: kept as written
            }
        }
        return sb.ToString();
    }

    /// <summary>A whole string literal '&lt;|im_start|&gt;system⏎…&lt;|im_end|&gt;⏎' (newline escaped or literal): the template's default system turn.</summary>
    [GeneratedRegex(@"(?<q>['""])<\|im_start\|>system(?:\\n|\n)(?<text>(?:(?!\k<q>)[^\\]|\\.)*?)<\|im_end\|>(?:\\n|\n)\k<q>", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultSystemLiteral();
}
