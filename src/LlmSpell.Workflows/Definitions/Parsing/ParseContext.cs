using System.Text.Json.Nodes;

namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>What one parse collects: every error found (the parser never stops at the first) and where model objects came from.</summary>
internal sealed class ParseContext
{
    /// <summary>Errors kept; beyond them only counted, so that a document of a million mistakes stays small in memory.</summary>
    public const int MaxKeptErrors = 1_000;

    public List<ValidationError> Errors { get; } = [];

    /// <summary>Every error found, kept or not.</summary>
    public int ErrorCount { get; private set; }

    public SourcePaths Paths { get; } = new();

    /// <summary>
    /// True when the parser made the document itself (from text): the values a definition keeps (tool parameters, inputs,
    /// loop items, compared values, defaults) are taken out of it rather than copied, as a copy held a large definition's
    /// parameters twice at once (a 9 MB definition of deep parameters peaked at 690 MB). A document a caller gave stays untouched.
    /// </summary>
    public bool OwnsDocument { get; init; }

    // Where each value taken out of the document sits in it, until Release detaches them.
    private readonly List<(JsonObject Parent, string Key)> _taken = [];

    /// <summary>A value the definition keeps: <paramref name="value"/> itself (detached at <see cref="Release"/>) or a copy.</summary>
    public T? Keep<T>(JsonObject parent, string key, T? value) where T : JsonNode
    {
        if (value is null) return null;
        if (!OwnsDocument) return (T)value.DeepClone();
        _taken.Add((parent, key));
        return value;
    }

    /// <summary>
    /// Detaches the values kept from the document: the document is garbage then (a kept value's parent would hold all of it), and
    /// the values can join other nodes.
    /// </summary>
    public void Release()
    {
        foreach (var (parent, key) in _taken) parent.Remove(key);
        _taken.Clear();
    }

    public void Error(JsonPath path, string message)
    {
        if (ErrorCount++ < MaxKeptErrors) Errors.Add(new ValidationError(path.ToString(), message));
    }
}
