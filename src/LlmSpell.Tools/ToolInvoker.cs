using System.Text.Json.Nodes;

namespace LlmSpell.Tools;

/// <summary>Invokes any <see cref="ITool"/> the safe way: parameters validated (defaults applied) before, the result checked after.</summary>
/// <remarks><see cref="Tool"/>s do this themselves; this covers tools that implement <see cref="ITool"/> directly.</remarks>
public static class ToolInvoker
{
    /// <summary>The parameters with defaults applied, or a <see cref="ToolParameterException"/> naming each parameter and rule broken.</summary>
    public static JsonObject ValidateParameters(ITool tool, JsonObject? parameters) =>
        ToolSchemas.ValidateParameters(tool.Name, ToolSchemas.For(tool).Parameters, parameters);

    public static async Task<JsonNode?> InvokeAsync(ITool tool, JsonObject? parameters, ToolContext context, CancellationToken cancellationToken)
    {
        if (tool is Tool own) return await own.InvokeAsync(parameters ?? new JsonObject(), context, cancellationToken).ConfigureAwait(false);
        var schemas = ToolSchemas.For(tool);
        var arguments = ToolSchemas.ValidateParameters(tool.Name, schemas.Parameters, parameters);
        var result = await tool.InvokeAsync(arguments, context, cancellationToken).ConfigureAwait(false);
        ToolSchemas.CheckOutput(tool.Name, schemas.Output, result);
        return result;
    }
}
