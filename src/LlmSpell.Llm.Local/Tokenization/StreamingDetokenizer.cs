using System.Text;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>Turns token ids into text a piece at a time, holding back bytes of a UTF-8 character split across tokens.</summary>
public sealed class StreamingDetokenizer(Vocabulary vocabulary, bool stripLeadingSpace = true)
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly char[] _chars = new char[64];
    private bool _atStart = stripLeadingSpace && vocabulary.AddSpacePrefix;

    /// <summary>The text completed by this token: whole characters only (possibly empty).</summary>
    public string Append(int token)
    {
        if ((uint)token >= (uint)vocabulary.Count)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"token id outside the vocabulary (0..{vocabulary.Count - 1})");
        ReadOnlySpan<byte> bytes = vocabulary.Pieces[token];
        // llama.cpp drops the space it prefixed to the prompt from the first piece of detokenised text.
        if (_atStart && bytes.Length > 0)
        {
            if (bytes[0] == (byte)' ') bytes = bytes[1..];
            _atStart = false;
        }
        if (bytes.IsEmpty) return "";
        var sb = new StringBuilder();
        Span<char> chars = _chars;
        var completed = false;
        while (!completed)
        {
            _decoder.Convert(bytes, chars, flush: false, out var used, out var written, out completed);
            sb.Append(chars[..written]);
            bytes = bytes[used..];
        }
        return sb.ToString();
    }

    /// <summary>Whatever is still held back (an incomplete character at the end), as replacement characters.</summary>
    public string Flush()
    {
        Span<char> chars = _chars;
        _decoder.Convert(ReadOnlySpan<byte>.Empty, chars, flush: true, out _, out var written, out _);
        return new string(chars[..written]);
    }

    /// <summary>Decodes a whole sequence.</summary>
    public static string Decode(Vocabulary vocabulary, IEnumerable<int> tokens, bool stripLeadingSpace = true)
    {
        var d = new StreamingDetokenizer(vocabulary, stripLeadingSpace);
        var sb = new StringBuilder();
        foreach (var t in tokens) sb.Append(d.Append(t));
        return sb.Append(d.Flush()).ToString();
    }
}
