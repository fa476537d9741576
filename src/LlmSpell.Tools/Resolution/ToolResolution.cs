using System.Text.Json.Nodes;

namespace LlmSpell.Tools.Resolution;

/// <summary>The outcome of resolving a tool step: which tool, with which (validated) arguments, and how it was chosen.</summary>
/// <param name="Tool">The tool to run.</param>
/// <param name="Arguments">The parameters, validated against the tool's schema with defaults applied.</param>
/// <param name="Route">How the tool was chosen.</param>
/// <param name="RequestedName">The name that matched (a tool name or alias), or the function the model called.</param>
public sealed record ToolResolution(ITool Tool, JsonObject Arguments, ToolResolutionRoute Route, string RequestedName)
{
    /// <summary>The route as text for events and reports: "named", "step-name", "alias" or "dynamic".</summary>
    public string How => Route switch
    {
        ToolResolutionRoute.Named => "named",
        ToolResolutionRoute.StepName => "step-name",
        ToolResolutionRoute.Alias => "alias",
        _ => "dynamic",
    };

    /// <summary>On the dynamic route, any text the model said beside its function call.</summary>
    public string? ModelText { get; init; }

    /// <summary>Runs the tool with <see cref="Arguments"/> (validated again on the way in, the result checked on the way out).</summary>
    public Task<JsonNode?> InvokeAsync(ToolContext context, CancellationToken cancellationToken) =>
        ToolInvoker.InvokeAsync(Tool, (JsonObject)Arguments.DeepClone(), context, cancellationToken);
}
