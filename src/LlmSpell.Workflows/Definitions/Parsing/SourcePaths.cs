namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Where the parser found each model object and field, so that the validator, which walks the model,
/// reports paths into the user's document. Only needed where the document's shape differs from the
/// model's (the object step_type form, parallel steps turned into branches, config keys at top level,
/// <c>_ms</c> variants); elsewhere the validator's synthesized paths already match.
/// </summary>
internal sealed class SourcePaths
{
    private readonly Dictionary<object, string> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<string, string>> _fields = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _derived = new(ReferenceEqualityComparer.Instance);

    public void Node(object node, string path) => _nodes[node] = path;

    public void Field(object node, string field, string path)
    {
        if (!_fields.TryGetValue(node, out var fields)) _fields[node] = fields = new(StringComparer.Ordinal);
        fields[field] = path;
    }

    public string? NodePath(object node) => _nodes.GetValueOrDefault(node);

    public string? FieldPath(object node, string field) =>
        _fields.TryGetValue(node, out var fields) ? fields.GetValueOrDefault(field) : null;

    /// <summary>Marks an object the parser made up (a branch made from a parallel step), which the user did not write.</summary>
    public void MarkDerived(object node) => _derived.Add(node);

    public bool IsDerived(object node) => _derived.Contains(node);
}
