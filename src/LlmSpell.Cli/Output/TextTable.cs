using System.Text;

namespace LlmSpell.Cli.Output;

/// <summary>Plain aligned columns: readable in a terminal and easy to grep or cut in a pipe.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        var sb = new StringBuilder();
        Line(sb, headers, widths);
        foreach (var row in _rows) Line(sb, row, widths);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string[] cells, int[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            if (i == widths.Length - 1) sb.Append(cell);
            else sb.Append(cell.PadRight(widths[i] + 2));
        }
        sb.Append('\n');
    }
}
