using System.Text.RegularExpressions;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>
/// The regex split before BPE, chosen by <c>tokenizer.ggml.pre</c> exactly as llama.cpp chooses it: each regex of the
/// chain splits every piece the previous one left, and text between matches stays a piece of its own.
/// </summary>
public sealed class PreTokenizer
{
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";

    private const string Llama3 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string Qwen2 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Dictionary<string, (string Family, string[] Patterns)> Known = new(StringComparer.Ordinal)
    {
        ["default"] = ("default", [@"[\p{P}\$\+<=>\^~\|]+", Gpt2, @"\p{N}+", "[0-9][0-9][0-9]"]),
        ["llama3"] = ("llama3", [Llama3]),
        ["llama-v3"] = ("llama3", [Llama3]),
        ["llama-bpe"] = ("llama3", [Llama3]),
        ["falcon3"] = ("llama3", [Llama3]),
        ["qwen2"] = ("qwen2", [Qwen2]),
        ["deepseek-r1-qwen"] = ("qwen2", [Qwen2]),
        ["gpt-2"] = ("gpt2", [Gpt2]),
        ["gpt2"] = ("gpt2", [Gpt2]),
        ["smollm"] = ("smollm", [@"\p{N}", Gpt2]),
        ["starcoder"] = ("smollm", [@"\p{N}", Gpt2]),
    };

    private readonly Regex[] _regexes;

    private PreTokenizer(string name, string family, string[] patterns)
    {
        Name = name;
        Family = family;
        _regexes = patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled)).ToArray();
    }

    /// <summary>The <c>tokenizer.ggml.pre</c> value.</summary>
    public string Name { get; }

    /// <summary>The regex set used: default, llama3, qwen2, gpt2 or smollm.</summary>
    public string Family { get; }

    /// <summary>Llama 3 looks a whole word up in the vocabulary before merging (llama.cpp's ignore_merges).</summary>
    public bool IgnoreMerges => Family == "llama3";

    /// <summary>Whether <c>tokenizer.ggml.pre</c> names Llama 3's pre-tokenizer (which also means BOS by default).</summary>
    public static bool IsLlama3(string? name) => name is not null && Known.TryGetValue(name, out var entry) && entry.Family == "llama3";

    /// <summary>The names this runtime knows.</summary>
    public static IReadOnlyCollection<string> Names => Known.Keys;

    /// <summary>The pre-tokenizer for a <c>tokenizer.ggml.pre</c> value (null or missing: llama.cpp's default); null when unknown.</summary>
    public static PreTokenizer? TryFor(string? name)
    {
        name ??= "default";
        return Known.TryGetValue(name, out var entry) ? new PreTokenizer(name, entry.Family, entry.Patterns) : null;
    }

    /// <summary>The pieces of <paramref name="text"/>, in order; they concatenate back to the text.</summary>
    public List<string> Split(string text)
    {
        var pieces = new List<string> { text };
        foreach (var regex in _regexes)
        {
            var next = new List<string>(pieces.Count * 2);
            foreach (var piece in pieces)
            {
                var at = 0;
                for (var m = regex.Match(piece); m.Success; m = m.NextMatch())
                {
                    if (m.Length == 0) continue;
                    if (m.Index > at) next.Add(piece[at..m.Index]);
                    next.Add(m.Value);
                    at = m.Index + m.Length;
                }
                if (at < piece.Length) next.Add(piece[at..]);
            }
            pieces = next;
        }
        return pieces;
    }
}
