using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Json;

/// <summary><c>json-query</c>: selects values from JSON with a JSONPath (see <see cref="JsonPath"/>).</summary>
public sealed class JsonQueryTool(ToolsOptions options) : Tool(
    "json-query",
    "Selects values from a JSON document with a JSONPath such as $.items[?(@.price < 10)].name.",
    """
    {
      "type": "object",
      "properties": {
        "data": { "description": "The JSON value to query (a JSON string is parsed first when parse is true)." },
        "query": { "type": "string", "minLength": 1, "description": "A JSONPath: $, .name, ['name'], [n], [*], .., [start:end], [?(@.x == 1)]." },
        "parse": { "type": "boolean", "default": false, "description": "Parse data from JSON text first." }
      },
      "required": ["data", "query"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "matches": { "type": "array" },
        "count": { "type": "integer" },
        "first": { "description": "The first match, or null." },
        "truncated": { "type": "boolean" }
      },
      "required": ["matches", "count", "first", "truncated"]
    }
    """)
{
    private readonly ToolsOptions _options = options.Validated();

    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        JsonPath path;
        try
        {
            path = JsonPath.Parse(arguments.String("query"));
        }
        catch (JsonPathException ex)
        {
            throw arguments.Invalid("query", "syntax", $"is not a valid JSONPath: {ex.Message}", ex.Position, ex);
        }

        var data = arguments.Node("data");
        if (arguments.Boolean("parse"))
        {
            if (data is not JsonValue v || !v.TryGetValue<string>(out var text))
                throw arguments.Invalid("data", "type", "must be a string of JSON text when parse is true");
            try
            {
                data = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw arguments.Invalid("data", "json", $"is not valid JSON: {ex.Message}", inner: ex);
            }
        }

        var found = path.Evaluate(data);
        var kept = found.Take(_options.MaxResults).Select(n => n?.DeepClone()).ToArray();
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["matches"] = new JsonArray(kept),
            ["count"] = found.Count,
            ["first"] = found.Count > 0 ? found[0]?.DeepClone() : null,
            ["truncated"] = found.Count > kept.Length,
        });
    }
}
