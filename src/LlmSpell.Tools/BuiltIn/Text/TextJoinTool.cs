using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary><c>text-join</c>: joins parts (strings, numbers, booleans) with a separator.</summary>
public sealed class TextJoinTool() : Tool(
    "text-join",
    "Joins a list of strings, numbers or booleans into one text with a separator.",
    """
    {
      "type": "object",
      "properties": {
        "parts": { "type": "array", "items": { "type": ["string", "number", "boolean", "null"] } },
        "separator": { "type": "string", "default": "" },
        "skipNulls": { "type": "boolean", "default": true, "description": "Leave out null parts (false: they join as empty text)." }
      },
      "required": ["parts"],
      "additionalProperties": false
    }
    """,
    """
    { "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"] }
    """)
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var skipNulls = arguments.Boolean("skipNulls");
        var parts = arguments.Array("parts")!
            .Where(p => p is not null || !skipNulls)
            .Select(p => p is null ? "" : p.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : JsonValues.ToText(p));
        return Task.FromResult<JsonNode?>(new JsonObject { ["text"] = string.Join(arguments.String("separator"), parts) });
    }
}
