using LlmSpell.Workflows.Definitions.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmSpell.Templates.Parameters;

/// <summary>The parameters of a template: binds given values to them (types, defaults, constraints), reporting every problem at once.</summary>
public sealed class TemplateParameterSchema
{
    private readonly Dictionary<string, TemplateParameter> _byName;

    public TemplateParameterSchema(IEnumerable<TemplateParameter> parameters)
    {
        Parameters = parameters.ToArray();
        _byName = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<TemplateParameter> Parameters { get; }

    public TemplateParameter? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Checks <paramref name="given"/> against the parameters and fills in defaults. Values are coerced where the
    /// intent is plain: a string parameter given a number or boolean takes its text (the CLI parses <c>--param</c>
    /// values as JSON first), and "5"/"true" are accepted for integer/boolean parameters.
    /// </summary>
    public TemplateParameters Bind(string templateId, IReadOnlyDictionary<string, JsonNode?> given)
    {
        var problems = new List<string>();
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (_byName.ContainsKey(name)) continue;
            problems.Add($"unknown parameter '{name}' for template '{templateId}'{DidYouMean.Hint(name, _byName.Keys)} " +
                         $"(its parameters: {string.Join(", ", Parameters.Select(p => p.Name))})");
        }
        foreach (var parameter in Parameters)
        {
            if (!given.TryGetValue(parameter.Name, out var value) || value is null)
            {
                if (parameter.Required)
                    problems.Add($"missing required parameter '{parameter.Name}' ({TemplateParameterTypeNames.Of(parameter.Type)}): {parameter.Description}");
                else values[parameter.Name] = parameter.Default is { } d ? Coerce(parameter, d).Value : null;
                continue;
            }
            var (bound, problem) = Coerce(parameter, value);
            if (problem is not null) problems.Add(problem);
            else values[parameter.Name] = bound;
        }
        if (problems.Count > 0) throw new TemplateParameterException(templateId, problems);
        var givenNames = given.Where(p => p.Value is not null).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return new TemplateParameters(values, givenNames);
    }

    public JsonObject ToJson(ITemplate template) => new()
    {
        ["template"] = template.Id,
        ["name"] = template.Name,
        ["version"] = template.Version,
        ["parameters"] = new JsonArray(Parameters.Select(p => (JsonNode)p.ToJson()).ToArray()),
    };

    private static (JsonNode? Value, string? Problem) Coerce(TemplateParameter p, JsonNode value)
    {
        var kind = value.GetValueKind();
        // A number built in code (JsonValue.Create(10)) reads only as its own CLR type; parsed JSON reads as any.
        if (kind == JsonValueKind.Number) value = JsonNode.Parse(value.ToJsonString())!;
        switch (p.Type)
        {
            case TemplateParameterType.String:
                return kind switch
                {
                    JsonValueKind.String => (value.DeepClone(), null),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => (JsonValue.Create(value.ToJsonString()), null),
                    _ => (null, Mismatch(p, value, "a string")),
                };
            case TemplateParameterType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False) return (value.DeepClone(), null);
                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var b)) return (JsonValue.Create(b), null);
                return (null, Mismatch(p, value, "true or false"));
            case TemplateParameterType.Integer:
            {
                long? n = kind switch
                {
                    JsonValueKind.Number when value.AsValue().TryGetValue<long>(out var l) => l,
                    JsonValueKind.Number when value.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
                    JsonValueKind.String when long.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) => s,
                    _ => null,
                };
                if (n is null) return (null, Mismatch(p, value, "a whole number" + RangeText(p)));
                return InRange(p, n.Value) ? (JsonValue.Create(n.Value), null) : (null, OutOfRange(p, value));
            }
            case TemplateParameterType.Number:
            {
                double? n = kind switch
                {
                    JsonValueKind.Number => value.GetValue<double>(),
                    JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
                    _ => null,
                };
                if (n is null) return (null, Mismatch(p, value, "a number" + RangeText(p)));
                return InRange(p, n.Value) ? (JsonValue.Create(n.Value), null) : (null, OutOfRange(p, value));
            }
            case TemplateParameterType.Enum:
            {
                var text = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                var match = p.AllowedValues.FirstOrDefault(v => string.Equals(v, text.Trim(), StringComparison.OrdinalIgnoreCase));
                if (match is not null) return (JsonValue.Create(match), null);
                return (null, $"invalid {p.Name} '{text}'; use one of: {string.Join(", ", p.AllowedValues)}{DidYouMean.Hint(text, p.AllowedValues)}");
            }
            case TemplateParameterType.Object:
                if (kind == JsonValueKind.Object) return (value.DeepClone(), null);
                if (kind == JsonValueKind.String && TryParse(value.GetValue<string>()) is JsonObject parsed) return (parsed, null);
                return (null, Mismatch(p, value, "a JSON object"));
            default:
                if (kind == JsonValueKind.Array) return (value.DeepClone(), null);
                if (kind == JsonValueKind.String && TryParse(value.GetValue<string>()) is JsonArray array) return (array, null);
                return (null, Mismatch(p, value, "a JSON array"));
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool InRange(TemplateParameter p, double value) =>
        (p.Minimum is not { } min || value >= min) && (p.Maximum is not { } max || value <= max);

    private static string RangeText(TemplateParameter p) => (p.Minimum, p.Maximum) switch
    {
        ({ } min, { } max) => $" from {Invariant(min)} to {Invariant(max)}",
        ({ } min, null) => $" of at least {Invariant(min)}",
        (null, { } max) => $" of at most {Invariant(max)}",
        _ => "",
    };

    private static string OutOfRange(TemplateParameter p, JsonNode value) =>
        $"{p.Name} must be{RangeText(p)}, got {Show(value)}";

    private static string Mismatch(TemplateParameter p, JsonNode value, string expected) =>
        $"parameter '{p.Name}' must be {expected}, got {Describe(value)}";

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {Show(value)}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => $"the number {value.ToJsonString()}",
        _ => value.ToJsonString(),
    };

    private static string Show(JsonNode value)
    {
        var text = value.GetValueKind() == JsonValueKind.String ? $"'{value.GetValue<string>()}'" : value.ToJsonString();
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
