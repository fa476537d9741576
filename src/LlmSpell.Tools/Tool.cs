using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools;

/// <summary>
/// The base of tools written in C#: parameters are validated against the schema (defaults applied) before
/// <see cref="ExecuteAsync"/> runs, and the result is checked against the output schema after.
/// </summary>
public abstract class Tool : ITool
{
    private readonly JsonObject _parametersSchema;
    private readonly JsonObject _outputSchema;

    /// <summary>Schemas are given as JSON text, which reads closest to what a model or a user sees.</summary>
    protected Tool(string name, string description, string parametersSchema, string? outputSchema = null, IReadOnlyList<string>? aliases = null)
        : this(name, description, ParseSchema(name, parametersSchema), outputSchema is null ? new JsonObject() : ParseSchema(name, outputSchema), aliases)
    {
    }

    /// <inheritdoc />
    public bool OfferedToModels { get; init; } = true;

    protected Tool(string name, string description, JsonObject parametersSchema, JsonObject? outputSchema = null, IReadOnlyList<string>? aliases = null)
    {
        ToolNames.EnsureValid(name, name, "name");
        ToolNames.EnsureValidDescription(name, description);
        Name = name;
        Description = description;
        Aliases = aliases ?? [];
        _parametersSchema = (JsonObject)parametersSchema.DeepClone();
        _outputSchema = (JsonObject)(outputSchema ?? new JsonObject()).DeepClone();
        Parameters = ToolSchemas.CompileParameters(name, _parametersSchema);
        Output = ToolSchemas.CompileOutput(name, _outputSchema);
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<string> Aliases { get; }

    /// <summary>A copy: the schema cannot be changed through it.</summary>
    public JsonObject ParametersSchema => (JsonObject)_parametersSchema.DeepClone();

    /// <summary>A copy: the schema cannot be changed through it.</summary>
    public JsonObject OutputSchema => (JsonObject)_outputSchema.DeepClone();

    /// <summary>The compiled parameter schema.</summary>
    public JsonSchema Parameters { get; }

    /// <summary>The compiled output schema.</summary>
    public JsonSchema Output { get; }

    public async Task<JsonNode?> InvokeAsync(JsonObject parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var arguments = ToolSchemas.ValidateParameters(Name, Parameters, parameters);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await ExecuteAsync(new ToolArguments(Name, arguments), context, cancellationToken).ConfigureAwait(false);
        ToolSchemas.CheckOutput(Name, Output, result);
        return result;
    }

    /// <summary>Does the tool's work on parameters that already satisfy the schema.</summary>
    protected abstract Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken);

    public override string ToString() => $"{Name}: {Description}";

    private static JsonObject ParseSchema(string tool, string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject
                ?? throw new ToolRegistrationException(tool, $"Tool '{tool}': a schema must be a JSON object.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ToolRegistrationException(tool, $"Tool '{tool}': a schema is not valid JSON: {ex.Message}", ex);
        }
    }
}
