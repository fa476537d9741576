using System.Text;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>
/// GPT-2's bytes_to_unicode: every byte maps to a printable character (printable Latin-1 bytes to themselves, the rest
/// to U+0100 onwards, so a space is 'Ġ' and a newline 'Ċ'); byte-level BPE vocabularies are written in these characters.
/// </summary>
public static class ByteLevelEncoding
{
    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte = Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static char ToChar(byte b) => ByteToChar[b];

    public static bool TryToByte(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each as its byte-level character.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (chars, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        });
    }

    /// <summary>The bytes a byte-level token text stands for; a character outside the table is kept as its own UTF-8.</summary>
    public static byte[] Decode(string text)
    {
        var output = new List<byte>(text.Length);
        foreach (var c in text)
        {
            if (CharToByte.TryGetValue(c, out var b)) output.Add(b);
            else output.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return output.ToArray();
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
