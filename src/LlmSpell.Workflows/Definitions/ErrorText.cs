using System.Text;

namespace LlmSpell.Workflows.Definitions;

/// <summary>
/// Makes an error message one readable line however hostile the values it quotes: line breaks and other
/// control characters are escaped (<c>\n</c>, <c>\u0007</c>), a quoted value (<c>'…'</c>) longer than
/// <see cref="MaxQuoted"/> characters is cut with "…", and the whole line is cut at <see cref="MaxLine"/>.
/// </summary>
public static class ErrorText
{
    /// <summary>Characters of one quoted value that are shown.</summary>
    public const int MaxQuoted = 120;

    /// <summary>Characters of one error line that are shown.</summary>
    public const int MaxLine = 1_000;

    private const char Ellipsis = '…';

    /// <summary>The message as one line (see the class summary).</summary>
    public static string OneLine(string message)
    {
        if (message.Length <= MaxQuoted && !NeedsEscape(message)) return message;
        var line = new StringBuilder(Math.Min(message.Length, MaxLine + 16));
        var quoteStart = -1;
        var i = 0;
        for (; i < message.Length && line.Length < MaxLine; i++)
        {
            var c = message[i];
            if (c == '\'')
            {
                // An apostrophe opens a quoted value or closes the open one; one inside a word ("don't") opens none.
                if (quoteStart >= 0) quoteStart = -1;
                else if (i == 0 || !char.IsLetterOrDigit(message[i - 1])) quoteStart = line.Length + 1;
                line.Append(c);
            }
            else if (quoteStart >= 0 && line.Length - quoteStart >= MaxQuoted)
            {
                // The rest of the value is left out, up to its closing quote.
                line.Append(Ellipsis);
                var close = message.IndexOf('\'', i);
                if (close < 0) return line.ToString();
                line.Append('\'');
                quoteStart = -1;
                i = close;
            }
            else
            {
                AppendEscaped(line, message, ref i);
            }
        }
        if (i < message.Length)
        {
            line.Length = Math.Min(line.Length, MaxLine);
            line.Append(Ellipsis);
        }
        return line.ToString();
    }

    /// <summary>A JSON path as one line; a very deep one keeps its start and its end, where the problem is.</summary>
    public static string Path(string path) =>
        OneLine(path.Length <= MaxLine / 2 ? path : string.Concat(path.AsSpan(0, MaxLine / 10), "…", path.AsSpan(path.Length - MaxLine / 2 + MaxLine / 10)));

    /// <summary>
    /// The first <see cref="DefinitionLimits.MaxShownErrors"/> error lines, then one that counts the rest of
    /// <paramref name="total"/>: 500,000 unknown keys once printed 114 MB.
    /// </summary>
    public static List<string> Capped(IEnumerable<string> lines, int total, string prefix = "")
    {
        var shown = lines.Take(DefinitionLimits.MaxShownErrors).Select(line => prefix + OneLine(line)).ToList();
        var more = total - shown.Count;
        if (more > 0) shown.Add($"{prefix}and {more} more error{(more == 1 ? "" : "s")} (fix these and validate again to see them)");
        return shown;
    }

    /// <summary>A value to quote in a message: escaped and cut like <see cref="OneLine"/> would cut it, so a huge value is never copied.</summary>
    public static string Quote(string value)
    {
        if (value.Length <= MaxQuoted && !NeedsEscape(value)) return value;
        var text = new StringBuilder(MaxQuoted + 8);
        for (var i = 0; i < value.Length; i++)
        {
            if (text.Length >= MaxQuoted) return text.Append(Ellipsis).ToString();
            AppendEscaped(text, value, ref i);
        }
        return text.ToString();
    }

    private static bool NeedsEscape(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029') return true;
        }
        return false;
    }

    private static void AppendEscaped(StringBuilder text, string source, ref int i)
    {
        var c = source[i];
        switch (c)
        {
            case '\n': text.Append("\\n"); return;
            case '\r': text.Append("\\r"); return;
            case '\t': text.Append("\\t"); return;
        }
        if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
        {
            text.Append(c).Append(source[++i]);
            return;
        }
        if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029') text.Append("\\u").Append(((int)c).ToString("x4"));
        else text.Append(c);
    }
}
