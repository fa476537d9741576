using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LLama;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// How messages become one model's prompt: the model's own <c>tokenizer.chat_template</c> applied by llama.cpp
/// (<c>llama_chat_apply_template</c>, which recognises the template's family: ChatML, Llama 2/3, Gemma, Phi, Mistral…),
/// or, for a model without a template, <see cref="PlainCompletionPrompt"/>. llama.cpp renders a family's format but
/// does not run the Jinja, so two things those templates write are added here: a ChatML template's default system
/// prompt (Qwen's, SmolLM's) when the messages have none, and the dated system turn of Llama 3.1/3.2 templates.
/// </summary>
public sealed partial class ChatPrompt
{
    private const string LlamaSystemHeader = "<|start_header_id|>system<|end_header_id|>\n\n";

    private readonly string? _jinja;
    private readonly TimeProvider _clock;
    private readonly bool _dated;
    private readonly bool _usesToday;

    private ChatPrompt(string? jinja, TimeProvider clock)
    {
        _jinja = jinja;
        _clock = clock;
        if (jinja is null) return;
        var m = DefaultSystemLiteral().Match(jinja);
        DefaultSystemPrompt = m.Success ? UnescapeJinjaString(m.Groups["text"].Value) : null;
        _dated = jinja.Contains("<|start_header_id|>", StringComparison.Ordinal) && jinja.Contains("Cutting Knowledge Date", StringComparison.Ordinal);
        _usesToday = jinja.Contains("strftime_now", StringComparison.Ordinal);
    }

    /// <summary>Whether the model has a chat template (then its markers in the prompt are special tokens; plain text's never are).</summary>
    public bool HasTemplate => _jinja is not null;

    /// <summary>The system prompt the template inserts when the messages have none; null if it has none.</summary>
    public string? DefaultSystemPrompt { get; }

    /// <summary>
    /// The prompt renderer for a model's template (null or blank: plain completion). A template llama.cpp does not
    /// recognise is an error: another family's format would give the model a prompt it was not trained on.
    /// </summary>
    /// <exception cref="LlmConfigurationException">llama.cpp does not recognise the template.</exception>
    public static ChatPrompt For(string? jinja, string modelName, TimeProvider? clock = null)
    {
        var prompt = new ChatPrompt(string.IsNullOrWhiteSpace(jinja) ? null : jinja, clock ?? TimeProvider.System);
        if (prompt._jinja is null) return prompt;
        Engine.NativeBackend.EnsureLoaded();
        try
        {
            prompt.Render([new ChatMessage(ChatRole.User, "probe")]);
            return prompt;
        }
        catch (Exception ex) when (ex is not LlmException)
        {
            throw new LlmConfigurationException(
                $"Local model '{modelName}' has a chat template llama.cpp does not recognise (it starts: \"{Excerpt(jinja!)}\"). " +
                "llama.cpp knows the common families (ChatML, Llama 2/3, Mistral, Gemma, Phi, DeepSeek, …); use a model of one of them.",
                LlmProviderOptions.LocalProvider, innerException: ex);
        }
    }

    /// <summary>The messages with <paramref name="instructions"/> (ChatOptions.Instructions) as a leading system message; empty messages dropped.</summary>
    public static IReadOnlyList<ChatMessage> WithInstructions(IEnumerable<ChatMessage> messages, string? instructions)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(instructions)) list.Add(new ChatMessage(ChatRole.System, instructions));
        list.AddRange(messages.Where(m => !string.IsNullOrEmpty(m.Text)));
        return list;
    }

    /// <summary>The prompt text, ending where the assistant's answer starts (BOS is the tokenizer's to add).</summary>
    public string Render(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_jinja is null) return PlainCompletionPrompt.Build(messages);

        var prefix = "";
        var rest = messages.AsEnumerable();
        var leadingSystem = messages.Count > 0 && messages[0].Role == ChatRole.System;
        if (_dated)
        {
            // llama.cpp trims each turn, which would drop the blank line Meta's template keeps after the date: written here.
            var date = _usesToday ? _clock.GetLocalNow().ToString("dd MMM yyyy", CultureInfo.InvariantCulture) : "26 Jul 2024";
            prefix = $"{LlamaSystemHeader}Cutting Knowledge Date: December 2023\nToday Date: {date}\n\n{(leadingSystem ? messages[0].Text.Trim() : "")}<|eot_id|>";
            if (leadingSystem) rest = rest.Skip(1);
        }

        var template = new LLamaTemplate(_jinja) { AddAssistant = true };
        if (DefaultSystemPrompt is not null && !leadingSystem) template.Add("system", DefaultSystemPrompt);
        foreach (var m in rest) template.Add(m.Role.Value, m.Text);
        return prefix + Encoding.UTF8.GetString(template.Apply());
    }

    private static string Excerpt(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "…";
    }

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

    /// <summary>A whole string literal '&lt;|im_start|&gt;system⏎…&lt;|im_end|&gt;⏎' (newline escaped or literal): a ChatML template's default system turn.</summary>
    [GeneratedRegex(@"(?<q>['""])<\|im_start\|>system(?:\\n|\n)(?<text>(?:(?!\k<q>)[^\\]|\\.)*?)<\|im_end\|>(?:\\n|\n)\k<q>", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultSystemLiteral();
}
