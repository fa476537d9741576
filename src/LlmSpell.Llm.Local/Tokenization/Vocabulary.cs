using System.Globalization;
using System.Text;
using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>A vocabulary read from GGUF metadata: token texts, scores, types, special ids and byte tokens (SentencePiece or byte-level BPE).</summary>
public sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly int[] _byteTokens = new int[256];

    public Vocabulary(string[] tokens, float[] scores, TokenType[] types, int bos, int eos, int unknown, bool addBos, bool addSpacePrefix,
        TokenizerModel model = TokenizerModel.SentencePiece)
    {
        if (scores.Length != tokens.Length || types.Length != tokens.Length)
            throw new ArgumentException($"vocabulary arrays differ in length: {tokens.Length} tokens, {scores.Length} scores, {types.Length} types");
        Tokens = tokens;
        Scores = scores;
        Types = types;
        Bos = bos;
        Eos = eos;
        Unknown = unknown;
        AddBos = addBos;
        AddSpacePrefix = addSpacePrefix;
        Model = model;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++) _ids.TryAdd(tokens[i], i);
        Array.Fill(_byteTokens, -1);
        for (var b = 0; b < 256; b++)
            if (_ids.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), out var id)) _byteTokens[b] = id;
        Pieces = new byte[tokens.Length][];
        for (var i = 0; i < tokens.Length; i++) Pieces[i] = PieceBytes(i);
        // llama.cpp matches special tokens longest first, so that one containing another wins.
        SpecialTokens = Enumerable.Range(0, tokens.Length)
            .Where(i => types[i] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown && tokens[i].Length > 0)
            .OrderByDescending(i => tokens[i].Length).ThenBy(i => i).ToArray();
    }

    public TokenizerModel Model { get; }

    /// <summary>Control, user-defined and unknown tokens, longest text first: the ones cut out of text before tokenising.</summary>
    internal IReadOnlyList<int> SpecialTokens { get; }

    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<float> Scores { get; }

    public IReadOnlyList<TokenType> Types { get; }

    public int Count => Tokens.Count;

    /// <summary>The beginning-of-sequence id; -1 when the model has none.</summary>
    public int Bos { get; }

    /// <summary>The end-of-sequence id; -1 when the model has none.</summary>
    public int Eos { get; }

    /// <summary>The unknown-token id; -1 when the model has none.</summary>
    public int Unknown { get; }

    public bool AddBos { get; }

    public bool AddSpacePrefix { get; }

    /// <summary>The bytes each token stands for when detokenised ('▁' as a space, byte tokens as their byte, control tokens as nothing).</summary>
    internal byte[][] Pieces { get; }

    public bool TryGetId(string text, out int id) => _ids.TryGetValue(text, out id);

    /// <summary>The id of the <c>&lt;0xNN&gt;</c> token for a byte, or -1.</summary>
    public int ByteToken(byte b) => _byteTokens[b];

    /// <summary>Reads the vocabulary of a SentencePiece ("llama") or byte-level BPE ("gpt2") model.</summary>
    public static Vocabulary FromGguf(GgufFile file)
    {
        var md = file.Metadata;
        var name = md.GetString("tokenizer.ggml.model");
        var model = name switch
        {
            "llama" => TokenizerModel.SentencePiece,
            "gpt2" => TokenizerModel.BytePairEncoding,
            _ => throw new GgufFormatException(file.Path, $"tokenizer.ggml.model is '{name}'; supported are 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)",
                "Use a model with one of these tokenizers (Llama 2/TinyLlama/Mistral, or Llama 3/Qwen2/SmolLM)."),
        };
        var spm = model == TokenizerModel.SentencePiece;
        var tokens = md.GetArray("tokenizer.ggml.tokens").AsStrings();
        var scores = md.Contains("tokenizer.ggml.scores") ? md.GetArray("tokenizer.ggml.scores").AsFloats() : new float[tokens.Length];
        var types = md.Contains("tokenizer.ggml.token_type")
            ? md.GetArray("tokenizer.ggml.token_type").AsInts().Select(t => (TokenType)t).ToArray()
            : Enumerable.Repeat(TokenType.Normal, tokens.Length).ToArray();
        if (scores.Length != tokens.Length || types.Length != tokens.Length)
            throw new GgufFormatException(file.Path, $"tokenizer arrays differ in length: {tokens.Length} tokens, {scores.Length} scores, {types.Length} token types", "Re-convert the model.");
        // SentencePiece files may rely on llama.cpp's defaults (1, 2, 0); a BPE file without an id has no such token.
        var bos = (int)md.GetIntegerOr("tokenizer.ggml.bos_token_id", spm ? 1 : -1);
        var eos = (int)md.GetIntegerOr("tokenizer.ggml.eos_token_id", spm ? 2 : -1);
        var unk = (int)md.GetIntegerOr("tokenizer.ggml.unknown_token_id", spm ? 0 : -1);
        foreach (var (key, id) in new[] { ("bos", bos), ("eos", eos), ("unknown", unk) })
            if (id >= tokens.Length)
                throw new GgufFormatException(file.Path, $"tokenizer.ggml.{key}_token_id is {id}, outside the vocabulary of {tokens.Length} tokens", "Re-convert the model.");
        // Without the flag llama.cpp adds BOS for SentencePiece and for the Llama 3 pre-tokenizer, not for other BPE models.
        var addBosDefault = spm || PreTokenizer.IsLlama3(md.GetStringOrNull("tokenizer.ggml.pre"));
        var addBos = md.TryGet("tokenizer.ggml.add_bos_token", out var ab) ? ab is true : addBosDefault;
        var addSpace = md.TryGet("tokenizer.ggml.add_space_prefix", out var asp) ? asp is true : spm;
        return new Vocabulary(tokens, scores, types, bos, eos, unk, addBos, addSpace, model);
    }

    private byte[] PieceBytes(int id)
    {
        switch (Types[id])
        {
            case TokenType.Byte:
                var text = Tokens[id];
                if (text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) &&
                    byte.TryParse(text.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
                    return [b];
                return Encoding.UTF8.GetBytes(text);
            case TokenType.Control:
                return [];
            case TokenType.Unknown:
                // llama.cpp shows an unknown SentencePiece token as '▅' and suppresses BPE tokens of other kinds.
                return Model == TokenizerModel.SentencePiece ? "\u2585"u8.ToArray() : [];
            case TokenType.UserDefined when Model == TokenizerModel.BytePairEncoding:
                return Encoding.UTF8.GetBytes(Tokens[id]);
            default:
                return Model == TokenizerModel.SentencePiece
                    ? Encoding.UTF8.GetBytes(Tokens[id].Replace('\u2581', ' '))
                    : ByteLevelEncoding.Decode(Tokens[id]);
        }
    }
}
