using System.Text.Json.Nodes;
using LlmSpell.Workflows.Definitions.Parsing;
using LlmSpell.Workflows.Definitions.Validation;

namespace LlmSpell.Workflows.Definitions;

/// <summary>
/// Reads workflow definitions from JSON or YAML (the format is in docs/workflow-format.md) and
/// validates them. Every problem found is reported at once, as a <see cref="WorkflowValidationException"/>.
/// </summary>
public static class WorkflowParser
{
    /// <summary>Parses a definition given as a JSON node (e.g. the template's <c>workflow_config</c> parameter).</summary>
    public static WorkflowDefinition Parse(JsonNode node, string? source = null) => Parse(node, source, ownsDocument: false);

    // ownsDocument: the node was parsed here from text, and the definition may take values out of it instead of copying them.
    private static WorkflowDefinition Parse(JsonNode node, string? source, bool ownsDocument)
    {
        var context = new ParseContext { OwnsDocument = ownsDocument };
        WorkflowDefinition? definition;
        try
        {
            definition = new DefinitionReader(context).ReadRoot(node);
        }
        catch (ArgumentException e) when (e.ParamName == "key")
        {
            // A node parsed elsewhere with a duplicate key fails only when its object is first read.
            throw new WorkflowValidationException([new ValidationError(JsonPaths.Root, $"the JSON has a duplicate key: {e.Message}")], source);
        }
        var errors = new List<ValidationError>(context.Errors);
        var total = context.ErrorCount;
        if (definition is not null)
        {
            // The validator walks what the reader built, stand-ins included; what it finds at or
            // below a place the reader already reported is a consequence, not news.
            var reported = context.Errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var error in new ValidationPass(context.Paths).Run(definition))
            {
                if (reported.Count > 0 && JsonPaths.SelfAndAncestors(error.Path).Any(reported.Contains)) continue;
                if (errors.Count < ParseContext.MaxKeptErrors) errors.Add(error);
                total++;
            }
        }
        context.Release();
        if (errors.Count > 0) throw new WorkflowValidationException(errors, source, total);
        return definition!;
    }

    public static WorkflowDefinition ParseJson(string json, string? source = null)
    {
        EnsureSize(json.Length, "characters", source);
        var node = JsonText.Parse(json, out var error, definition: true);
        if (error is not null) throw new WorkflowValidationException([error], source);
        return Parse(node!, source, ownsDocument: true);
    }

    /// <summary>
    /// Parses JSON data (a run's input, a template parameter) by a definition's rules: comments and trailing commas are
    /// allowed; duplicate keys, lone surrogate escapes and nesting past <see cref="DefinitionLimits.MaxDocumentDepth"/> are
    /// errors with their line and column, so that data cannot fail later in a run.
    /// </summary>
    public static JsonNode? ParseData(string json, out ValidationError? error) => JsonText.Parse(json, out error);

    /// <summary>Parses YAML of the same structure as the JSON format.</summary>
    public static WorkflowDefinition ParseYaml(string yaml, string? source = null)
    {
        EnsureSize(yaml.Length, "characters", source);
        var node = YamlText.Parse(yaml, out var error);
        if (error is not null) throw new WorkflowValidationException([error], source);
        return Parse(node!, source, ownsDocument: true);
    }

    /// <summary>Parses a .json, .yaml or .yml file; errors are prefixed with the path.</summary>
    public static WorkflowDefinition ParseFile(string path)
    {
        var parse = ParserFor(path);
        EnsureFileSize(path);
        return parse(File.ReadAllText(path), path);
    }

    /// <inheritdoc cref="ParseFile"/>
    public static async Task<WorkflowDefinition> ParseFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var parse = ParserFor(path);
        EnsureFileSize(path);
        return parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
    }

    private static Func<string, string?, WorkflowDefinition> ParserFor(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => ParseJson,
            ".yaml" or ".yml" => ParseYaml,
            var other => throw new WorkflowValidationException(
            [
                new ValidationError(JsonPaths.Root, $"cannot tell the format of a '{(other.Length == 0 ? "(no extension)" : other)}' file; name it .json, .yaml or .yml"),
            ], path),
        };

    /// <summary>Refuses a missing file, and one past <see cref="DefinitionLimits.MaxDocumentChars"/> before reading it.</summary>
    private static void EnsureFileSize(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw FileNotFound(path);
        EnsureSize(file.Length, "bytes", path);
    }

    private static void EnsureSize(long size, string unit, string? source)
    {
        if (size <= DefinitionLimits.MaxDocumentChars) return;
        throw new WorkflowValidationException(
        [
            new ValidationError(JsonPaths.Root, $"the definition is {size:N0} {unit}, more than the {DefinitionLimits.MaxDocumentChars:N0} allowed; " +
                "a definition carries steps, not data: give large data as the run's input, or in files its tools read"),
        ], source);
    }

    private static WorkflowValidationException FileNotFound(string path) =>
        new([new ValidationError(JsonPaths.Root, $"file not found (looked for {Path.GetFullPath(path)})")], path);
}
