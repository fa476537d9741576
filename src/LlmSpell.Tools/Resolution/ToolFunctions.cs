using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmSpell.Tools.Resolution;

/// <summary>Tools as Microsoft.Extensions.AI functions, for <c>ChatOptions.Tools</c>.</summary>
public static class ToolFunctions
{
    /// <summary>A declaration (name, description, parameter and return schema) a model can call but that cannot be invoked.</summary>
    public static AIFunctionDeclaration Declaration(ITool tool) =>
        AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, ToElement(tool.ParametersSchema), ReturnSchema(tool));

    /// <summary>An invocable function: a model's call runs the tool through <see cref="ToolInvoker"/> in <paramref name="context"/>.</summary>
    public static AIFunction Function(ITool tool, ToolContext context) => new ToolFunction(tool, context);

    /// <summary>A function call's arguments as a JSON object (whatever CLR values the chat client produced).</summary>
    public static JsonObject ArgumentsToJson(IDictionary<string, object?>? arguments)
    {
        var json = new JsonObject();
        foreach (var (name, value) in arguments ?? new Dictionary<string, object?>())
            json[name] = ToNode(value);
        return json;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonSerializer.SerializeToNode(element, AIJsonUtilities.DefaultOptions),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), AIJsonUtilities.DefaultOptions),
    };

    private static JsonElement? ReturnSchema(ITool tool) => tool.OutputSchema is { Count: > 0 } output ? ToElement(output) : null;

    private static JsonElement ToElement(JsonObject schema) => JsonSerializer.SerializeToElement(schema, AIJsonUtilities.DefaultOptions);

    private sealed class ToolFunction(ITool tool, ToolContext context) : AIFunction
    {
        private readonly JsonElement _schema = ToElement(tool.ParametersSchema);
        private readonly JsonElement? _returnSchema = ReturnSchema(tool);

        public override string Name => tool.Name;
        public override string Description => tool.Description;
        public override JsonElement JsonSchema => _schema;
        public override JsonElement? ReturnJsonSchema => _returnSchema;

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await ToolInvoker.InvokeAsync(tool, ArgumentsToJson(arguments), context, cancellationToken).ConfigureAwait(false);
    }
}
