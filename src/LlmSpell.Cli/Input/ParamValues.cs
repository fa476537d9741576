using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Cli.Input;

/// <summary>
/// Reads <c>--param key=value</c> and <c>--input</c> values: a value is parsed as JSON and falls back to a string
/// (<c>max_steps=5</c> is a number, <c>mode=fast</c> the string "fast"); <c>@path</c> reads the value from a file
/// (its JSON, or its text); <c>@@…</c> stands for a literal '@'.
/// </summary>
internal static class ParamValues
{
    public static Dictionary<string, JsonNode?> ParseAll(IEnumerable<string>? pairs, string option = "--param")
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new CliException(eq == 0
                    ? $"{option} '{pair}' has no name before '='; write {option} name=value"
                    : $"{option} '{pair}' must be name=value, e.g. {option} max_steps=5 or {option} workflow_config=@flow.json");
            }
            var key = pair[..eq].Trim();
            if (values.ContainsKey(key)) throw new CliException($"{option} '{key}' is given twice; give each parameter once");
            values[key] = Parse(pair[(eq + 1)..], $"{option} {key}");
        }
        return values;
    }

    /// <summary>One value: JSON if it parses, else the text itself; <c>@path</c> reads a file.</summary>
    public static JsonNode? Parse(string raw, string what)
    {
        if (raw.StartsWith("@@", StringComparison.Ordinal)) return JsonValue.Create(raw[1..]);
        if (raw.StartsWith('@')) return FromFile(raw[1..], what);
        return ParseJsonOrText(raw, what);
    }

    private static JsonNode? FromFile(string path, string what)
    {
        if (path.Length == 0) throw new CliException($"{what}: '@' must be followed by a file path, e.g. @flow.json");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var full = Path.GetFullPath(path);
            throw new CliException(ex is FileNotFoundException or DirectoryNotFoundException
                ? $"{what}: file not found: {full}"
                : $"{what}: cannot read {full}: {ex.Message}");
        }
        var trimmed = text.TrimStart();
        var looksJson = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
                        || trimmed.StartsWith('{') || trimmed.StartsWith('[');
        if (!looksJson) return JsonValue.Create(text);
        // The definition's JSON rules: errors with line and column, nothing (a lone surrogate, a duplicate key) left to fail later.
        var node = WorkflowParser.ParseData(text, out var error);
        if (error is not null) throw new CliException($"{what}: {Path.GetFullPath(path)} is not valid JSON: {Located(error)}");
        return node;
    }

    private static JsonNode? ParseJsonOrText(string raw, string what)
    {
        var trimmed = raw.Trim();
        if (trimmed.Length == 0) return JsonValue.Create(raw);
        var node = WorkflowParser.ParseData(trimmed, out var error);
        if (error is null) return node;
        if (!(trimmed.StartsWith('{') || trimmed.StartsWith('['))) return JsonValue.Create(raw);
        // It was meant as JSON: say what is wrong rather than passing broken JSON on as text.
        throw new CliException($"{what}: '{ErrorText.Quote(trimmed)}' looks like JSON but does not parse: {Located(error)} (quote the whole value for the shell, e.g. '{{\"steps\": [...]}}')");
    }

    private static string Located(ValidationError error) => error.Path == "$" ? error.Message : error.ToString();
}
