using System.Text.Json.Nodes;

namespace LlmSpell.Tools;

/// <summary>A tool made of a name, a description, a schema and a function: the quick way to register an app's own tool.</summary>
public sealed class DelegateTool(
    string name,
    string description,
    JsonObject parametersSchema,
    Func<ToolArguments, ToolContext, CancellationToken, Task<JsonNode?>> invoke,
    JsonObject? outputSchema = null,
    IReadOnlyList<string>? aliases = null)
    : Tool(name, description, parametersSchema, outputSchema, aliases)
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken) =>
        invoke(arguments, context, cancellationToken);
}
