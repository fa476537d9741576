using System.Globalization;
using System.Text;
using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>A SentencePiece vocabulary read from GGUF metadata: token texts, scores, types, special ids and byte tokens.</summary>
public sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly int[] _byteTokens = new int[256];

    public Vocabulary(string[] tokens, float[] scores, TokenType[] types, int bos, int eos, int unknown, bool addBos, bool addSpacePrefix)
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
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++) _ids.TryAdd(tokens[i], i);
        Array.Fill(_byteTokens, -1);
        for (var b = 0; b < 256; b++)
            if (_ids.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), out var id)) _byteTokens[b] = id;
        Pieces = new byte[tokens.Length][];
        for (var i = 0; i < tokens.Length; i++) Pieces[i] = PieceBytes(i);
    }

    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<float> Scores { get; }

    public IReadOnlyList<TokenType> Types { get; }

    public int Count => Tokens.Count;

    public int Bos { get; }

    public int Eos { get; }

    public int Unknown { get; }

    public bool AddBos { get; }

    public bool AddSpacePrefix { get; }

    /// <summary>The bytes each token stands for when detokenised ('▁' as a space, byte tokens as their byte, control tokens as nothing).</summary>
    internal byte[][] Pieces { get; }

    public bool TryGetId(string text, out int id) => _ids.TryGetValue(text, out id);

    /// <summary>The id of the <c>&lt;0xNN&gt;</c> token for a byte, or -1.</summary>
    public int ByteToken(byte b) => _byteTokens[b];

    /// <summary>Reads the vocabulary of a llama (SentencePiece) model.</summary>
    public static Vocabulary FromGguf(GgufFile file)
    {
        var md = file.Metadata;
        var model = md.GetString("tokenizer.ggml.model");
        if (model != "llama")
            throw new GgufFormatException(file.Path, $"tokenizer.ggml.model is '{model}'; only the SentencePiece ('llama') tokenizer is supported so far",
                "Use a llama/SentencePiece model until the GPT-2 BPE tokenizer is supported.");
        var tokens = md.GetArray("tokenizer.ggml.tokens").AsStrings();
        var scores = md.Contains("tokenizer.ggml.scores") ? md.GetArray("tokenizer.ggml.scores").AsFloats() : new float[tokens.Length];
        var types = md.Contains("tokenizer.ggml.token_type")
            ? md.GetArray("tokenizer.ggml.token_type").AsInts().Select(t => (TokenType)t).ToArray()
            : Enumerable.Repeat(TokenType.Normal, tokens.Length).ToArray();
        if (scores.Length != tokens.Length || types.Length != tokens.Length)
            throw new GgufFormatException(file.Path, $"tokenizer arrays differ in length: {tokens.Length} tokens, {scores.Length} scores, {types.Length} token types", "Re-convert the model.");
        var bos = (int)md.GetIntegerOr("tokenizer.ggml.bos_token_id", 1);
        var eos = (int)md.GetIntegerOr("tokenizer.ggml.eos_token_id", 2);
        var unk = (int)md.GetIntegerOr("tokenizer.ggml.unknown_token_id", 0);
        var addBos = !md.TryGet("tokenizer.ggml.add_bos_token", out var ab) || ab is true;
        var addSpace = !md.TryGet("tokenizer.ggml.add_space_prefix", out var asp) || asp is true;
        return new Vocabulary(tokens, scores, types, bos, eos, unk, addBos, addSpace);
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
                return "\u2585"u8.ToArray(); // llama.cpp shows an unknown token as '▅'.
            default:
                return Encoding.UTF8.GetBytes(Tokens[id].Replace('\u2581', ' '));
        }
    }
}
