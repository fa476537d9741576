namespace LlmSpell.Llm.Local.Gguf;

/// <summary>A metadata array: its element type and elements (boxed scalars, strings, or nested arrays).</summary>
public sealed class GgufArray(GgufValueType elementType, IReadOnlyList<object> items)
{
    public GgufValueType ElementType { get; } = elementType;

    public IReadOnlyList<object> Items { get; } = items;

    public int Count => Items.Count;

    public string[] AsStrings() => Items.Select(i => (string)i).ToArray();

    public float[] AsFloats() => Items.Select(i => i switch { float f => f, double d => (float)d, _ => (float)(GgufMetadata.TryInteger(i) ?? 0) }).ToArray();

    public int[] AsInts() => Items.Select(i => (int)(GgufMetadata.TryInteger(i) ?? throw new InvalidCastException($"array element {i} is not an integer"))).ToArray();
}
