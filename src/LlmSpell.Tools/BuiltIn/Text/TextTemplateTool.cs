using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary><c>text-template</c>: renders a <c>{{key.path}}</c> template against a JSON data object (see <see cref="TextTemplate"/>).</summary>
public sealed class TextTemplateTool() : Tool(
    "text-template",
    "Renders a text template with {{key.path}} placeholders against a JSON data object.",
    """
    {
      "type": "object",
      "properties": {
        "template": { "type": "string", "description": "Text with {{key.path}} placeholders, e.g. Hello {{user.name}}; {{{{ writes {{." },
        "data": { "type": "object", "description": "The values placeholders refer to." },
        "missing": { "type": "string", "enum": ["error", "empty", "keep"], "default": "error", "description": "What a placeholder with no value becomes." }
      },
      "required": ["template", "data"],
      "additionalProperties": false
    }
    """,
    """
    { "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"] }
    """,
    ["template-engine"])
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var missing = arguments.String("missing") switch
        {
            "empty" => TextTemplate.MissingPolicy.Empty,
            "keep" => TextTemplate.MissingPolicy.Keep,
            _ => TextTemplate.MissingPolicy.Error,
        };
        try
        {
            return Task.FromResult<JsonNode?>(new JsonObject { ["text"] = TextTemplate.Render(arguments.String("template"), arguments.Object("data"), missing) });
        }
        catch (TextTemplateException ex)
        {
            throw arguments.Invalid("template", "template", ex.Message, ex.Position, ex);
        }
    }
}
