using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;
using Microsoft.Extensions.AI;

namespace LlmSpell.Tools.Resolution;

/// <summary>
/// Resolves a tool step: an explicit tool name, then the <c>tool</c> field, then the step name as a tool's name or alias,
/// else a model chooses a tool and its arguments from the step's description by function calling.
/// </summary>
public sealed class ToolResolver(IToolRegistry tools, IChatClient? chatClient = null, ToolResolverOptions? options = null) : IToolResolver
{
    private readonly ToolResolverOptions _options = options ?? ToolResolverOptions.Default;

    public async Task<ToolResolution> ResolveAsync(ToolRequest request, CancellationToken cancellationToken)
    {
        if (TryResolveWithoutModel(request) is { } resolved) return resolved;

        var client = request.ChatClient ?? chatClient;
        if (!_options.AllowDynamic || client is null)
            throw new ToolResolutionException(request.StepName,
                "names no tool and its name is not a tool's name or alias"
                + (_options.AllowDynamic ? ", and no model is configured to choose one from its description" : " (choosing a tool by model is turned off)")
                + "; name the tool in the step", tools.Names());
        return await ChooseAsync(client, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first three routes only, synchronously: the resolution, or null when only a model could choose.
    /// Throws like <see cref="ResolveAsync"/> when a named tool is unknown or the parameters break its schema.
    /// </summary>
    public ToolResolution? TryResolveWithoutModel(ToolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(request.ToolName)) return Named(request, request.ToolName, "names the tool");
        if (!string.IsNullOrWhiteSpace(request.ToolField)) return Named(request, request.ToolField, "has the field tool:");
        if (tools.Find(request.StepName) is not { } byStep) return null;
        var alias = !string.Equals(byStep.Name, request.StepName, StringComparison.OrdinalIgnoreCase);
        return Resolved(byStep, request.Parameters, alias ? ToolResolutionRoute.Alias : ToolResolutionRoute.StepName, request.StepName);
    }

    private ToolResolution Named(ToolRequest request, string name, string how)
    {
        var tool = tools.Find(name.Trim())
            ?? throw new ToolResolutionException(request.StepName, $"{how} '{name}', which is not registered", tools.Names(), name);
        return Resolved(tool, request.Parameters, ToolResolutionRoute.Named, name.Trim());
    }

    private static ToolResolution Resolved(ITool tool, JsonObject parameters, ToolResolutionRoute route, string requested) =>
        new(tool, ToolInvoker.ValidateParameters(tool, parameters), route, requested);

    private async Task<ToolResolution> ChooseAsync(IChatClient client, ToolRequest request, CancellationToken cancellationToken)
    {
        var available = tools.All.Where(t => t.OfferedToModels).ToArray();
        if (available.Length == 0)
            throw new ToolResolutionException(request.StepName, "names no tool, and there is no registered tool for a model to choose", []);

        var chatOptions = new ChatOptions
        {
            Tools = available.Select(t => (AITool)ToolFunctions.Declaration(t)).ToList(),
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
            ModelId = _options.ModelId,
            Temperature = _options.Temperature,
        };
        List<ChatMessage> messages = [new(ChatRole.System, _options.Instructions), new(ChatRole.User, Prompt(request))];
        var response = await client.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        var said = response.Text is { Length: > 0 } text ? text.Trim() : null;
        if (calls.Count == 0)
            throw new ToolResolutionException(request.StepName,
                $"names no tool, and the model chose none for \"{request.Description ?? request.StepName}\""
                + (said is null ? "" : $" (it answered: \"{Shorten(said)}\")")
                + "; name the tool in the step, or describe the step so that one of the tools fits", tools.Names());

        // One step runs one tool: the first call is the model's choice.
        var call = calls[0];
        var tool = tools.Find(call.Name) is { OfferedToModels: true } found ? found
            : throw new ToolResolutionException(request.StepName,
                $"names no tool, and the model chose '{call.Name}', which is not a registered tool; name the tool in the step", tools.Names(), call.Name);
        if (call.Exception is { } parseError)
            throw new ToolResolutionException(request.StepName,
                $"names no tool, and the model chose '{tool.Name}' with arguments that could not be read ({parseError.Message})", tools.Names(), tool.Name, parseError);

        var arguments = ToolFunctions.ArgumentsToJson(call.Arguments);
        var declared = tool.ParametersSchema["properties"] as JsonObject;
        foreach (var (name, value) in request.Parameters)
            if (declared?.ContainsKey(name) == true) arguments[name] = value?.DeepClone();
        return Resolved(tool, arguments, ToolResolutionRoute.Dynamic, call.Name) with { ModelText = said };
    }

    private static string Prompt(ToolRequest request)
    {
        var prompt = new StringBuilder()
            .Append("Step: ").AppendLine(request.StepName)
            .Append("Task: ").AppendLine(request.Description ?? request.StepName);
        if (request.Parameters.Count > 0) prompt.Append("Values given by the step (JSON): ").AppendLine(JsonValues.ToText(request.Parameters));
        return prompt.Append("Call the one tool that carries out this task.").ToString();
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
