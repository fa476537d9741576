using System.Text;

namespace LlmSpell.Tools.BuiltIn.Data;

/// <summary>
/// Reads CSV as RFC 4180 says: fields separated by a delimiter, records by CRLF or LF; a quoted field may hold the
/// delimiter, line breaks and doubled quotes (<c>""</c>). A quote inside an unquoted field is kept as text.
/// </summary>
public static class CsvReader
{
    /// <summary>The records, each with the 1-based line it starts on. A final empty line is not a record.</summary>
    public static List<(int Line, List<string> Fields)> Read(string text, char delimiter)
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException("The delimiter cannot be a quote or a line break.", nameof(delimiter));
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var fieldStarted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0 && !fieldStarted)
            {
                var quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new CsvException(quoteLine, "a quoted field is not closed; end it with \"");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i++]);
                }
                fieldStarted = true;
                if (i < text.Length && text[i] != delimiter && text[i] != '\r' && text[i] != '\n')
                    throw new CsvException(line, $"unexpected '{text[i]}' after a closing quote; a quoted field must end at the delimiter or the line end (write \"\" for a quote inside it)");
                continue;
            }
            if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                i++;
                continue;
            }
            if (c is '\r' or '\n')
            {
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                records.Add((recordLine, fields));
                fields = [];
                line++;
                recordLine = line;
                continue;
            }
            field.Append(c);
            fieldStarted = true;
            i++;
        }
        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields));
        }
        return records;
    }
}
