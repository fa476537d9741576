using System.Globalization;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.BuiltIn.Arithmetic;

/// <summary><c>calculator</c>: evaluates an arithmetic expression safely (see <see cref="Expression"/>).</summary>
public sealed class CalculatorTool() : Tool(
    "calculator",
    "Evaluates an arithmetic expression: + - * / % ^, parentheses, sqrt, abs, min, max, round, floor, ceil, log, exp, sin, cos, tan, pi, e.",
    """
    {
      "type": "object",
      "properties": {
        "expression": { "type": "string", "minLength": 1, "maxLength": 10000, "description": "e.g. (2 + 3) * sqrt(16) / 2^3" },
        "variables": { "type": "object", "additionalProperties": { "type": "number" }, "description": "Names usable in the expression, e.g. {\"x\": 2}." }
      },
      "required": ["expression"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": { "result": { "type": "number" }, "text": { "type": "string" } },
      "required": ["result", "text"]
    }
    """,
    ["calc"])
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var variables = (arguments.Object("variables") ?? []).ToDictionary(p => p.Key, p => JsonValues.ToDouble(p.Value!), StringComparer.OrdinalIgnoreCase);
        double result;
        try
        {
            result = Expression.Evaluate(arguments.String("expression"), variables);
        }
        catch (ExpressionException ex)
        {
            throw arguments.Invalid("expression", "syntax", ex.Message, ex.Position, ex);
        }
        if (!double.IsFinite(result))
            throw arguments.Invalid("expression", "finite", "has a result too large to represent");
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["result"] = JsonValues.Number(result),
            ["text"] = result.ToString("R", CultureInfo.InvariantCulture),
        });
    }
}
