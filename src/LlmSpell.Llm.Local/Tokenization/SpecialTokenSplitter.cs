namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>
/// llama.cpp's tokenizer_st_partition: cuts the text at occurrences of special tokens (longest token first), so each
/// becomes one id and only the text between them is tokenised.
/// </summary>
internal static class SpecialTokenSplitter
{
    /// <summary>A piece of the text (<see cref="Token"/> = -1) or a matched special token.</summary>
    internal readonly record struct Fragment(int Token, string Text)
    {
        public bool IsToken => Token >= 0;
    }

    public static List<Fragment> Split(Vocabulary vocabulary, string text, bool parseSpecial)
    {
        var fragments = new List<Fragment> { new(-1, text) };
        foreach (var id in vocabulary.SpecialTokens)
        {
            if (!parseSpecial && vocabulary.Types[id] != TokenType.UserDefined) continue;
            var special = vocabulary.Tokens[id];
            for (var i = 0; i < fragments.Count; i++)
            {
                var f = fragments[i];
                if (f.IsToken) continue;
                var at = f.Text.IndexOf(special, StringComparison.Ordinal);
                if (at < 0) continue;
                var parts = new List<Fragment>();
                var from = 0;
                for (; at >= 0; at = f.Text.IndexOf(special, from, StringComparison.Ordinal))
                {
                    if (at > from) parts.Add(new(-1, f.Text[from..at]));
                    parts.Add(new(id, special));
                    from = at + special.Length;
                }
                if (from < f.Text.Length) parts.Add(new(-1, f.Text[from..]));
                fragments.RemoveAt(i);
                fragments.InsertRange(i, parts);
                i += parts.Count - 1;
            }
        }
        return fragments;
    }
}
