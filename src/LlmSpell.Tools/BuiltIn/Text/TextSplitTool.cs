using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary><c>text-split</c>: splits text on a separator or a regular expression.</summary>
public sealed class TextSplitTool(ToolsOptions options) : Tool(
    "text-split",
    "Splits text into parts on a separator string or a regular expression.",
    """
    {
      "type": "object",
      "properties": {
        "text": { "type": "string" },
        "separator": { "type": "string", "minLength": 1, "default": "\n", "description": "The separator (a line break unless given)." },
        "regex": { "type": "boolean", "default": false, "description": "Read separator as a regular expression." },
        "flags": { "type": "string", "pattern": "^[imsxn]*$", "default": "", "description": "With regex: i, m, s, x, n as in regex-extract." },
        "trim": { "type": "boolean", "default": false, "description": "Trim whitespace around each part." },
        "removeEmpty": { "type": "boolean", "default": false, "description": "Drop empty parts (after trimming)." },
        "limit": { "type": "integer", "minimum": 1, "description": "At most this many parts; the last holds the rest." }
      },
      "required": ["text"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": { "parts": { "type": "array", "items": { "type": "string" } }, "count": { "type": "integer" } },
      "required": ["parts", "count"]
    }
    """)
{
    private readonly ToolsOptions _options = options.Validated();

    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var text = arguments.String("text");
        var limit = (int)Math.Min(arguments.OptionalInteger("limit") ?? int.MaxValue, int.MaxValue);
        string[] parts;
        if (arguments.Boolean("regex"))
        {
            var regex = RegexFlags.Compile(arguments, "separator", "flags", _options.RegexTimeout);
            try
            {
                parts = regex.Split(text, limit);
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new ToolExecutionException(Name, $"the separator pattern took longer than {_options.RegexTimeout.TotalSeconds:0.###} s (ToolsOptions.RegexTimeout).", ex);
            }
        }
        else
        {
            var separator = arguments.String("separator");
            // "\n" also splits Windows line ends, so a CR does not cling to every line.
            parts = separator == "\n" ? text.Split(["\r\n", "\n"], limit, StringSplitOptions.None) : text.Split(separator, limit);
        }

        IEnumerable<string> result = parts;
        if (arguments.Boolean("trim")) result = result.Select(p => p.Trim());
        if (arguments.Boolean("removeEmpty")) result = result.Where(p => p.Length > 0);
        var array = new JsonArray(result.Select(p => (JsonNode?)p).ToArray());
        return Task.FromResult<JsonNode?>(new JsonObject { ["parts"] = array, ["count"] = array.Count });
    }
}
