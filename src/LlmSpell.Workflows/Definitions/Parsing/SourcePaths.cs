namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>
/// Where the parser found each model object and field, so that the validator, which walks the model,
/// reports paths into the user's document. Only needed where the document's shape differs from the
/// model's (the object step_type form, parallel steps turned into branches, config keys at top level,
/// <c>_ms</c> variants); elsewhere the validator's synthesized paths already match.
/// </summary>
internal sealed class SourcePaths
{
    private readonly Dictionary<object, JsonPath> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(object Node, string Field), JsonPath> _fields = new(FieldComparer.Instance);
    private readonly HashSet<object> _derived = new(ReferenceEqualityComparer.Instance);

    public void Node(object node, JsonPath path) => _nodes[node] = path;

    public void Field(object node, string field, JsonPath path) => _fields[(node, field)] = path;

    public JsonPath? NodePath(object node) => _nodes.GetValueOrDefault(node);

    public JsonPath? FieldPath(object node, string field) => _fields.GetValueOrDefault((node, field));

    /// <summary>Marks an object the parser made up (a branch made from a parallel step), which the user did not write.</summary>
    public void MarkDerived(object node) => _derived.Add(node);

    public bool IsDerived(object node) => _derived.Contains(node);

    // One table for every object's fields: a table per object cost a dictionary per step.
    private sealed class FieldComparer : IEqualityComparer<(object Node, string Field)>
    {
        public static readonly FieldComparer Instance = new();

        public bool Equals((object Node, string Field) x, (object Node, string Field) y) =>
            ReferenceEquals(x.Node, y.Node) && string.Equals(x.Field, y.Field, StringComparison.Ordinal);

        public int GetHashCode((object Node, string Field) key) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Node), StringComparer.Ordinal.GetHashCode(key.Field));
    }
}
