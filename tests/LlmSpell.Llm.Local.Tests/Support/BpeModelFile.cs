using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>
/// A hand-made GPT-2 style vocabulary in a GGUF file: the 256 byte-level characters (ids 0..255 in byte order), then a
/// token per merge result in merge order, then the special tokens. Tokenizations are derived by hand from the merges.
/// </summary>
public sealed class BpeModelFile
{
    /// <summary>Merges, highest priority first, in byte-level characters ('Ġ' is a space, 'Ċ' a newline).</summary>
    public static readonly string[] DefaultMerges =
    [
        "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld", // hello, Ġworld
        "Ã ©", // é = C3 A9
        "1 2", "Ċ Ċ", "' S", "b c", "a b", "Ġ Ġ",
    ];

    public List<string> Merges { get; } = [.. DefaultMerges];

    /// <summary>Extra whole tokens with no merge leading to them (for Llama 3's ignore_merges).</summary>
    public List<string> ExtraTokens { get; } = ["xyz"];

    public List<(string Text, TokenType Type)> Specials { get; } =
    [
        ("<|endoftext|>", TokenType.Control),
        ("<|im_start|>", TokenType.Control),
        ("<|im_end|>", TokenType.Control),
        ("<|start_header_id|>", TokenType.Control),
        ("<|end_header_id|>", TokenType.Control),
        ("<|eot_id|>", TokenType.Control),
        ("<|begin_of_text|>", TokenType.Control),
        ("<tool>", TokenType.UserDefined),
    ];

    public string? Pre { get; set; } = "gpt-2";

    public bool? AddBos { get; set; }

    public string? BosToken { get; set; } = "<|endoftext|>";

    public string? EosToken { get; set; } = "<|endoftext|>";

    public string? ChatTemplate { get; set; }

    public string Architecture { get; set; } = "llama";

    public string[] Tokens()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelEncoding.ToChar((byte)b).ToString()).ToList();
        foreach (var merge in Merges)
        {
            var merged = merge.Replace(" ", "", StringComparison.Ordinal);
            if (!tokens.Contains(merged)) tokens.Add(merged);
        }
        tokens.AddRange(ExtraTokens);
        tokens.AddRange(Specials.Select(s => s.Text));
        return [.. tokens];
    }

    public int IdOf(string token) => Array.IndexOf(Tokens(), token) is var id and >= 0 ? id : throw new ArgumentException($"no token '{token}'");

    /// <summary>The tokenizer metadata in a GGUF writer (callers may add tensors).</summary>
    public GgufWriter Writer()
    {
        var tokens = Tokens();
        var firstSpecial = tokens.Length - Specials.Count;
        var types = tokens.Select((_, i) => (object)(int)(i >= firstSpecial ? Specials[i - firstSpecial].Type : TokenType.Normal)).ToArray();
        var w = new GgufWriter()
            .Add("general.architecture", GgufValueType.String, Architecture)
            .Add("tokenizer.ggml.model", GgufValueType.String, "gpt2")
            .AddArray("tokenizer.ggml.tokens", GgufValueType.String, tokens.Cast<object>().ToArray())
            .AddArray("tokenizer.ggml.token_type", GgufValueType.Int32, types)
            .AddArray("tokenizer.ggml.merges", GgufValueType.String, Merges.Cast<object>().ToArray());
        if (Pre is not null) w.Add("tokenizer.ggml.pre", GgufValueType.String, Pre);
        if (AddBos is { } addBos) w.Add("tokenizer.ggml.add_bos_token", GgufValueType.Bool, addBos);
        if (BosToken is not null) w.Add("tokenizer.ggml.bos_token_id", GgufValueType.UInt32, (uint)Array.IndexOf(tokens, BosToken));
        if (EosToken is not null) w.Add("tokenizer.ggml.eos_token_id", GgufValueType.UInt32, (uint)Array.IndexOf(tokens, EosToken));
        if (ChatTemplate is not null) w.Add("tokenizer.chat_template", GgufValueType.String, ChatTemplate);
        return w;
    }

    /// <summary>Writes the file and loads its tokenizer.</summary>
    public ITokenizer Load()
    {
        using var temp = TempFile.With(Writer().ToBytes());
        using var file = GgufFile.Open(temp.Path);
        return TokenizerLoader.FromGguf(file);
    }
}
