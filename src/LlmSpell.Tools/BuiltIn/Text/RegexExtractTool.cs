using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary><c>regex-extract</c>: the matches of a regular expression in a text, with their groups; each match is time-limited.</summary>
public sealed class RegexExtractTool(ToolsOptions options) : Tool(
    "regex-extract",
    "Extracts the matches of a regular expression from text, with numbered and named groups.",
    """
    {
      "type": "object",
      "properties": {
        "text": { "type": "string" },
        "pattern": { "type": "string", "minLength": 1, "description": ".NET regular expression syntax, e.g. (?<year>\\d{4})-(?<month>\\d{2})." },
        "flags": { "type": "string", "pattern": "^[imsxn]*$", "default": "", "description": "i ignore case, m multiline, s dot matches newline, x ignore whitespace, n explicit capture." },
        "all": { "type": "boolean", "default": true, "description": "false: only the first match." }
      },
      "required": ["text", "pattern"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": {
        "matches": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "value": { "type": "string" },
              "index": { "type": "integer" },
              "groups": { "type": "object" }
            },
            "required": ["value", "index", "groups"]
          }
        },
        "count": { "type": "integer" },
        "truncated": { "type": "boolean" }
      },
      "required": ["matches", "count", "truncated"]
    }
    """)
{
    private readonly ToolsOptions _options = options.Validated();

    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var regex = RegexFlags.Compile(arguments, "pattern", "flags", _options.RegexTimeout);
        var limit = arguments.Boolean("all") ? _options.MaxResults : 1;
        var matches = new JsonArray();
        var truncated = false;
        try
        {
            for (var match = regex.Match(arguments.String("text")); match.Success; match = match.NextMatch())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (matches.Count >= limit)
                {
                    truncated = limit > 1;
                    break;
                }
                matches.Add(Describe(regex, match));
            }
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new ToolExecutionException(Name, $"the pattern took longer than {_options.RegexTimeout.TotalSeconds:0.###} s to match (ToolsOptions.RegexTimeout); simplify it (nested quantifiers such as (a+)+ backtrack badly).", ex);
        }
        return Task.FromResult<JsonNode?>(new JsonObject { ["matches"] = matches, ["count"] = matches.Count, ["truncated"] = truncated });
    }

    private static JsonObject Describe(Regex regex, Match match)
    {
        var groups = new JsonObject();
        foreach (var number in regex.GetGroupNumbers().Where(n => n > 0))
        {
            var group = match.Groups[number];
            groups[regex.GroupNameFromNumber(number)] = group.Success ? group.Value : null;
        }
        return new JsonObject { ["value"] = match.Value, ["index"] = match.Index, ["groups"] = groups };
    }
}
