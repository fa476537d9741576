using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Tools;

/// <summary>A tool a workflow step can run: a name, a description, JSON schemas and an async invocation.</summary>
public interface ITool
{
    string Name { get; }

    /// <summary>One line on what the tool does (shown to users and to models choosing a tool).</summary>
    string Description { get; }

    /// <summary>JSON schema of the parameters object.</summary>
    JsonObject ParametersSchema { get; }

    Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken);
}

/// <summary>What a tool invocation can see of its surroundings.</summary>
public sealed record ToolContext(string RunId, string StepName, string WorkspaceDirectory, ILogger Logger);
