using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// Llama 3's format: BOS, then per message <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + trimmed
/// content + <c>&lt;|eot_id|&gt;</c>, then the assistant header. Llama 3.1/3.2 templates ("Cutting Knowledge Date") always
/// open with a system turn carrying the knowledge cut-off and today's date (3.2 prints the real date via strftime_now,
/// 3.1 a fixed "26 Jul 2024"), the first system message's text after it. The turn ends with <c>&lt;|eot_id|&gt;</c>.
/// </summary>
public sealed class Llama3ChatTemplate : ChatTemplate
{
    private readonly string _bos;
    private readonly TimeProvider _clock;
    private readonly bool _dated;
    private readonly bool _usesToday;

    public Llama3ChatTemplate(string jinja, string bosText, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(jinja);
        _bos = bosText ?? throw new ArgumentNullException(nameof(bosText));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _dated = jinja.Contains("Cutting Knowledge Date", StringComparison.Ordinal);
        _usesToday = jinja.Contains("strftime_now", StringComparison.Ordinal);
    }

    public override string Family => "llama3";

    /// <summary>The rendered text starts with BOS itself, as the template writes bos_token.</summary>
    public override bool AddBos => false;

    public override IReadOnlyList<string> EndOfTurnTokens => ["<|eot_id|>", "<|eom_id|>"];

    public override string Render(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder(_bos);
        var rest = messages.AsEnumerable();
        if (_dated)
        {
            var system = "";
            if (messages.Count > 0 && messages[0].Role == ChatRole.System)
            {
                system = messages[0].Text.Trim();
                rest = messages.Skip(1);
            }
            var date = _usesToday ? _clock.GetLocalNow().ToString("dd MMM yyyy", CultureInfo.InvariantCulture) : "26 Jul 2024";
            sb.Append("<|start_header_id|>system<|end_header_id|>\n\n")
                .Append("Cutting Knowledge Date: December 2023\n")
                .Append("Today Date: ").Append(date).Append("\n\n")
                .Append(system).Append("<|eot_id|>");
        }
        foreach (var m in rest)
        {
            // Tool results go in as "ipython" turns, as the 3.1/3.2 templates write them.
            var role = m.Role == ChatRole.Tool ? "ipython" : m.Role.Value;
            sb.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(m.Text.Trim()).Append("<|eot_id|>");
        }
        return sb.Append("<|start_header_id|>assistant<|end_header_id|>\n\n").ToString();
    }
}
