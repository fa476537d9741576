using System.Text.Json.Nodes;

namespace LlmSpell.Tools;

/// <summary>A tool a workflow step can run: a name, a description, JSON schemas and an async invocation.</summary>
/// <remarks>
/// Implement <see cref="Tool"/> rather than this interface directly: it validates the parameters against
/// <see cref="ParametersSchema"/> (applying defaults) before the call and the result against <see cref="OutputSchema"/>.
/// Callers that hold a bare <see cref="ITool"/> should invoke it through <see cref="ToolInvoker"/>, which does the same.
/// </remarks>
public interface ITool
{
    /// <summary>The unique name: a letter, then letters, digits, '-' or '_' (at most 64; what function calling accepts).</summary>
    string Name { get; }

    /// <summary>One line on what the tool does (shown to users and to models choosing a tool).</summary>
    string Description { get; }

    /// <summary>JSON schema of the parameters object.</summary>
    JsonObject ParametersSchema { get; }

    /// <summary>JSON schema of the result; the empty schema (the default) allows any value.</summary>
    JsonObject OutputSchema => new();

    /// <summary>Other names the tool answers to; the registry adds them when the tool is registered.</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>
    /// Whether a model choosing the tool for a step that names none may be offered this one. False for tools that stand
    /// for one particular step (a Lua function used as a step): they run only where they are named.
    /// </summary>
    bool OfferedToModels => true;

    Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken);
}
