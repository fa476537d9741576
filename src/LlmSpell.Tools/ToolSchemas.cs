using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools;

/// <summary>Compiles tools' schemas and applies them to parameters and results, with errors that name the tool.</summary>
internal static class ToolSchemas
{
    private static readonly ConditionalWeakTable<ITool, Compiled> Cache = new();

    private sealed record Compiled(JsonSchema Parameters, JsonSchema Output);

    public static JsonSchema CompileParameters(string tool, JsonObject schema)
    {
        var compiled = Compile(tool, schema, "parameter");
        if (compiled.Types != JsonSchemaType.None && compiled.Types != JsonSchemaType.Object)
            throw new ToolRegistrationException(tool, $"Tool '{tool}': the parameter schema must describe an object (\"type\": \"object\").");
        return compiled;
    }

    public static JsonSchema CompileOutput(string tool, JsonObject schema) => Compile(tool, schema, "output");

    /// <summary>The compiled schemas of any tool (cached per instance for tools that are not <see cref="Tool"/>s).</summary>
    public static (JsonSchema Parameters, JsonSchema Output) For(ITool tool)
    {
        if (tool is Tool t) return (t.Parameters, t.Output);
        var compiled = Cache.GetValue(tool, x => new Compiled(CompileParameters(x.Name, x.ParametersSchema), CompileOutput(x.Name, x.OutputSchema)));
        return (compiled.Parameters, compiled.Output);
    }

    /// <summary>A copy of the parameters with defaults applied; throws <see cref="ToolParameterException"/> listing every violation.</summary>
    public static JsonObject ValidateParameters(string tool, JsonSchema schema, JsonObject? parameters)
    {
        var filled = schema.ApplyDefaults(parameters ?? new JsonObject()) as JsonObject ?? new JsonObject();
        var violations = schema.Validate(filled);
        if (violations.Count > 0) throw new ToolParameterException(tool, violations);
        return filled;
    }

    public static void CheckOutput(string tool, JsonSchema schema, JsonNode? output)
    {
        if (schema.Validate(output) is [var first, ..] violations)
            throw new ToolExecutionException(tool,
                $"returned a result that does not match its output schema: '{first.Path}' {first.Message}"
                + (violations.Count > 1 ? $" (and {violations.Count - 1} more)" : "") + ". This is a bug in the tool.");
    }

    private static JsonSchema Compile(string tool, JsonObject schema, string which)
    {
        try
        {
            return JsonSchema.Parse(schema);
        }
        catch (JsonSchemaException ex)
        {
            throw new ToolRegistrationException(tool, $"Tool '{tool}': the {which} schema is not usable: {ex.Message}", ex);
        }
    }
}
