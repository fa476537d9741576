using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmSpell.Tools.Schema;

/// <summary>
/// A compiled JSON schema of the subset tools use: <c>type</c>, <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c>, <c>enum</c>, <c>const</c>, <c>minimum</c>/<c>maximum</c> (and exclusive),
/// <c>minLength</c>/<c>maxLength</c>, <c>pattern</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c> and <c>default</c>.
/// </summary>
/// <remarks>
/// Written here because no JSON-schema package is available to this project. A schema that uses an assertion keyword
/// outside the subset (<c>oneOf</c>, <c>$ref</c>…) is rejected when parsed rather than silently validated less strictly.
/// </remarks>
public sealed partial class JsonSchema
{
    /// <summary>How long a <c>pattern</c> may run on one value before validation gives up.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private JsonSchema()
    {
    }

    /// <summary>The empty schema: every value is valid.</summary>
    public static JsonSchema Any { get; } = new();

    public JsonSchemaType Types { get; private init; }
    public IReadOnlyDictionary<string, JsonSchema> Properties { get; private init; } = new Dictionary<string, JsonSchema>();
    public IReadOnlyList<string> Required { get; private init; } = [];

    /// <summary>False: properties not listed in <see cref="Properties"/> are errors.</summary>
    public bool AdditionalPropertiesAllowed { get; private init; } = true;

    /// <summary>The schema of properties not listed in <see cref="Properties"/>, when one is given.</summary>
    public JsonSchema? AdditionalProperties { get; private init; }

    public IReadOnlyList<JsonNode?>? Enum { get; private init; }
    public bool HasConst { get; private init; }
    public JsonNode? Const { get; private init; }
    public double? Minimum { get; private init; }
    public double? Maximum { get; private init; }
    public double? ExclusiveMinimum { get; private init; }
    public double? ExclusiveMaximum { get; private init; }
    public int? MinLength { get; private init; }
    public int? MaxLength { get; private init; }
    public Regex? Pattern { get; private init; }
    public JsonSchema? Items { get; private init; }
    public int? MinItems { get; private init; }
    public int? MaxItems { get; private init; }
    public bool HasDefault { get; private init; }
    public JsonNode? Default { get; private init; }
    public string? Description { get; private init; }
}
