using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmSpell.Tools.Resolution;

/// <summary>What a tool step says about its tool: the routes <see cref="ToolResolver"/> tries, in order.</summary>
public sealed record ToolRequest
{
    /// <summary>The step's name; route 3 when it equals a tool's name or alias.</summary>
    public required string StepName { get; init; }

    /// <summary>What the step should do; what the model reads on the dynamic route (null: the step name).</summary>
    public string? Description { get; init; }

    /// <summary>Route 1: an explicit tool name (the object format's <c>tool_name</c>).</summary>
    public string? ToolName { get; init; }

    /// <summary>Route 2: the simple format's <c>tool</c> field.</summary>
    public string? ToolField { get; init; }

    /// <summary>The step's (rendered) parameters. On the dynamic route they are shown to the model, and those the chosen tool declares override the model's values.</summary>
    public JsonObject Parameters { get; init; } = new();

    /// <summary>The model for the dynamic route; null: the resolver's own.</summary>
    public IChatClient? ChatClient { get; init; }
}
