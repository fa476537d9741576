using System.Text.Json;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// One string per distinct long string of a document: a definition that copies one large value or key into thousands
/// of steps then holds it once (the fuzz run's largest case, a 128 KB parameter in 1,177 steps, held 300 MB of copies).
/// </summary>
internal sealed class LongStrings
{
    /// <summary>Strings of fewer bytes are not looked up: short ones repeat less, and cost little when they do.</summary>
    public const int MinBytes = 256;

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _seen =
        new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private char[] _buffer = [];

    /// <summary>The string token the reader is on when it is long and is text; else null, and the caller reads it.</summary>
    public string? Read(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueSpan.Length < MinBytes) return null;
        // A string has at most as many characters as its UTF-8 bytes.
        if (_buffer.Length < reader.ValueSpan.Length) _buffer = new char[Math.Max(reader.ValueSpan.Length, 2 * _buffer.Length)];
        int length;
        try
        {
            length = reader.CopyString(_buffer);
        }
        catch (InvalidOperationException)
        {
            // An escape that is not text: the caller reads it again and reports where.
            return null;
        }
        var text = _buffer.AsSpan(0, length);
        if (_seen.TryGetValue(text, out var known)) return known;
        var value = text.ToString();
        _seen.Set.Add(value);
        return value;
    }
}
