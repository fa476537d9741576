using System.Text.Json.Nodes;

namespace LlmSpell.Tools.Tests.BuiltIn;

/// <summary>Calls a tool with parameters written as JSON text.</summary>
internal static class ToolCall
{
    public static async Task<JsonNode> Run(this ITool tool, string parameters, ToolContext context) =>
        (await tool.InvokeAsync(JsonNode.Parse(parameters)!.AsObject(), context, CancellationToken.None))!;

    public static Func<Task<JsonNode>> Calling(this ITool tool, string parameters, ToolContext context) =>
        () => tool.Run(parameters, context);
}
