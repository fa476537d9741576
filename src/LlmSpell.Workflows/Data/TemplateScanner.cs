namespace LlmSpell.Workflows.Data;

/// <summary>
/// Finds <c>{{ reference }}</c> spans in a template in time linear in its length. A reference runs from
/// <c>{{</c> to the first <c>}}</c> after it; blanks around it are trimmed, and it cannot span a line break
/// (blank lines around it may). A pattern like <c>\{\{\s*(.*?)\s*\}\}</c> finds the same spans, but a
/// backtracking engine retries every <c>{</c> and takes quadratic time on text full of braces.
/// </summary>
internal static class TemplateScanner
{
    /// <summary>One reference: the span <c>[Start, End)</c> of <c>{{…}}</c> and the trimmed text inside.</summary>
    public readonly record struct Span(int Start, int End, int InnerStart, int InnerEnd)
    {
        public string Reference(string template) => template[InnerStart..InnerEnd];
    }

    /// <summary>The first reference at or after <paramref name="from"/>, or null.</summary>
    public static Span? Next(string template, int from)
    {
        var close = -1;
        while (from < template.Length)
        {
            var open = template.IndexOf("{{", from, StringComparison.Ordinal);
            if (open < 0) return null;
            // The first "}}" after an opening ends every candidate before it; it is found once per stretch.
            if (close < open + 2) close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) return null;
            var innerStart = open + 2;
            while (innerStart < close && char.IsWhiteSpace(template[innerStart])) innerStart++;
            var innerEnd = close;
            while (innerEnd > innerStart && char.IsWhiteSpace(template[innerEnd - 1])) innerEnd--;
            var lineBreak = innerEnd > innerStart ? template.LastIndexOf('\n', innerEnd - 1, innerEnd - innerStart) : -1;
            if (lineBreak < 0) return new Span(open, close + 2, innerStart, innerEnd);
            // Text before the last inner line break cannot be in a reference; one may start right after it
            // (or at a "{{" whose blanks reach across it).
            var blank = lineBreak;
            while (blank > innerStart && char.IsWhiteSpace(template[blank - 1])) blank--;
            from = blank >= 2 && blank - 2 > open && template[blank - 2] == '{' && template[blank - 1] == '{' ? blank - 2 : lineBreak + 1;
        }
        return null;
    }
}
