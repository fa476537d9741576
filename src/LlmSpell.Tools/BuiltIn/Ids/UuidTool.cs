using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Ids;

/// <summary><c>uuid</c>: random (v4) or time-ordered (v7, <see cref="Guid.CreateVersion7()"/>) UUIDs.</summary>
public sealed class UuidTool(ToolsOptions options) : Tool(
    "uuid",
    "Generates UUIDs: version 4 (random) or 7 (time-ordered).",
    """
    {
      "type": "object",
      "properties": {
        "version": { "type": "integer", "enum": [4, 7], "default": 4 },
        "count": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 1 },
        "uppercase": { "type": "boolean", "default": false }
      },
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "uuid": { "type": "string", "description": "The first (or only) UUID." },
        "uuids": { "type": "array", "items": { "type": "string" } }
      },
      "required": ["uuid", "uuids"]
    }
    """,
    ["uuid-generator"])
{
    private readonly TimeProvider _clock = options.Validated().TimeProvider;

    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var v7 = arguments.Integer("version") == 7;
        var upper = arguments.Boolean("uppercase");
        var ids = Enumerable.Range(0, (int)arguments.Integer("count"))
            .Select(_ => (v7 ? Guid.CreateVersion7(_clock.GetUtcNow()) : Guid.NewGuid()).ToString())
            .Select(s => upper ? s.ToUpperInvariant() : s)
            .ToArray();
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["uuid"] = ids[0],
            ["uuids"] = new JsonArray(ids.Select(id => (JsonNode?)id).ToArray()),
        });
    }
}
