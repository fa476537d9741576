using LlmSpell.Llm.Local.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Chat;

/// <summary>
/// How messages become a prompt for one model. The family is recognised from the Jinja text of
/// <c>tokenizer.chat_template</c> and rendered natively (no Jinja interpreter): Llama 3 (<c>&lt;|start_header_id|&gt;</c>),
/// ChatML as Qwen and SmolLM use it (<c>&lt;|im_start|&gt;</c>), or plain completion for a model without a template.
/// </summary>
public abstract class ChatTemplate
{
    /// <summary>What the error for an unrecognised template lists.</summary>
    public const string SupportedFamilies =
        "Llama 3 (templates with <|start_header_id|>), ChatML as used by Qwen2/2.5 and SmolLM2 (templates with <|im_start|>), and models without a template (plain completion)";

    /// <summary>"llama3", "chatml" or "plain".</summary>
    public abstract string Family { get; }

    /// <summary>Whether the tokenizer adds BOS (false when the rendered text starts with it, as Llama 3's does).</summary>
    public virtual bool AddBos => true;

    /// <summary>Whether special-token texts in the prompt become their ids (the template's markers must; plain text must not).</summary>
    public virtual bool ParseSpecial => true;

    /// <summary>Token texts that end the assistant's turn, besides EOS.</summary>
    public virtual IReadOnlyList<string> EndOfTurnTokens => [];

    /// <summary>The prompt: the messages in the family's format, ending where the assistant's answer starts.</summary>
    public abstract string Render(IReadOnlyList<ChatMessage> messages);

    /// <summary>The ids of <see cref="EndOfTurnTokens"/> present in <paramref name="vocabulary"/>, and EOS.</summary>
    public IReadOnlyList<int> StopTokens(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var ids = new List<int>();
        if (vocabulary.Eos >= 0) ids.Add(vocabulary.Eos);
        foreach (var text in EndOfTurnTokens)
            if (vocabulary.TryGetId(text, out var id) && !ids.Contains(id)) ids.Add(id);
        return ids;
    }

    /// <summary>
    /// The template for a model's <c>tokenizer.chat_template</c> (null or blank: plain completion). An unrecognised
    /// template is an error: rendering it in another family's format would give the model a prompt it was not trained on.
    /// </summary>
    /// <param name="jinja">The template text.</param>
    /// <param name="vocabulary">The model's vocabulary (BOS text for Llama 3).</param>
    /// <param name="modelName">Named in the error.</param>
    /// <param name="clock">Today's date for templates that print it (Llama 3.2); default: the system clock.</param>
    public static ChatTemplate Detect(string? jinja, Vocabulary vocabulary, string modelName, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (string.IsNullOrWhiteSpace(jinja)) return PlainCompletionTemplate.Instance;
        if (jinja.Contains("<|start_header_id|>", StringComparison.Ordinal))
            return new Llama3ChatTemplate(jinja, vocabulary.Bos >= 0 ? vocabulary.Tokens[vocabulary.Bos] : "", clock ?? TimeProvider.System);
        if (jinja.Contains("<|im_start|>", StringComparison.Ordinal)) return new ChatMlTemplate(jinja);
        throw new LlmConfigurationException(
            $"Local model '{modelName}' has a chat template this runtime does not recognise (it starts: \"{Excerpt(jinja)}\"). " +
            $"Supported: {SupportedFamilies}. Use a model of a supported family.",
            LlmProviderOptions.LocalProvider);
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

    private static string Excerpt(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "…";
    }
}
