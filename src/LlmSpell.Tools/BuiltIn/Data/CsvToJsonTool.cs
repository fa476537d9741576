using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Data;

/// <summary><c>csv-to-json</c>: RFC 4180 CSV to JSON rows: objects keyed by the header row, or arrays without one.</summary>
public sealed class CsvToJsonTool() : Tool(
    "csv-to-json",
    "Converts CSV text (RFC 4180 quoting) to JSON rows, keyed by the header row.",
    """
    {
      "type": "object",
      "properties": {
        "csv": { "type": "string", "description": "The CSV text." },
        "delimiter": { "type": "string", "minLength": 1, "maxLength": 1, "default": ",", "description": "One character, e.g. ; or a tab." },
        "header": { "type": "boolean", "default": true, "description": "The first record names the columns; false: rows are arrays." },
        "inferTypes": { "type": "boolean", "default": false, "description": "Turn numbers, true/false and empty fields into numbers, booleans and null." }
      },
      "required": ["csv"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "rows": { "type": "array" },
        "columns": { "type": "array", "items": { "type": "string" } },
        "count": { "type": "integer" }
      },
      "required": ["rows", "columns", "count"]
    }
    """)
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var delimiter = arguments.String("delimiter")[0];
        if (delimiter is '"' or '\r' or '\n') throw arguments.Invalid("delimiter", "delimiter", "cannot be a quote or a line break");
        List<(int Line, List<string> Fields)> records;
        try
        {
            records = CsvReader.Read(arguments.String("csv"), delimiter);
        }
        catch (CsvException ex)
        {
            throw arguments.Invalid("csv", "csv", $"is not valid CSV: {ex.Message}", inner: ex);
        }

        var infer = arguments.Boolean("inferTypes");
        var rows = new JsonArray();
        var columns = new List<string>();
        if (arguments.Boolean("header") && records.Count > 0)
        {
            columns = Columns(arguments, records[0].Fields);
            foreach (var (line, fields) in records.Skip(1))
            {
                if (fields.Count != columns.Count)
                    throw arguments.Invalid("csv", "csv", $"is not valid CSV: line {line} has {fields.Count} field{(fields.Count == 1 ? "" : "s")}, but the header has {columns.Count}");
                var row = new JsonObject();
                for (var i = 0; i < columns.Count; i++) row[columns[i]] = Value(fields[i], infer);
                rows.Add(row);
            }
        }
        else
        {
            foreach (var (_, fields) in records) rows.Add(new JsonArray(fields.Select(f => Value(f, infer)).ToArray()));
        }

        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["rows"] = rows,
            ["columns"] = new JsonArray(columns.Select(c => (JsonNode?)c).ToArray()),
            ["count"] = rows.Count,
        });
    }

    private static List<string> Columns(ToolArguments arguments, List<string> header)
    {
        var columns = header.Select((name, i) => name.Trim().Length == 0 ? $"column{i + 1}" : name.Trim()).ToList();
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw arguments.Invalid("csv", "csv", $"has the column '{duplicate.Key}' twice in its header row; rename one, or set header to false");
        return columns;
    }

    private static JsonNode? Value(string field, bool infer)
    {
        if (!infer) return field;
        var text = field.Trim();
        if (text.Length == 0) return null;
        if (text is "true" or "TRUE" or "True") return true;
        if (text is "false" or "FALSE" or "False") return false;
        // Leading zeros are identifiers (zip codes, ids), not numbers.
        var leadingZero = text.Length > 1 && text[0] == '0' && text[1] != '.' || text.StartsWith("-0", StringComparison.Ordinal) && text.Length > 2 && text[2] != '.';
        if (!leadingZero && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (!leadingZero && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number)) return number;
        return field;
    }
}
