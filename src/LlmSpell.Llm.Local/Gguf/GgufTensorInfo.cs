namespace LlmSpell.Llm.Local.Gguf;

/// <summary>One tensor's description: name, dimensions (innermost first, as ggml orders them), type and data offset.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset)
{
    /// <summary>The number of elements.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>The size of the tensor's data in bytes.</summary>
    public long ByteSize
    {
        get
        {
            var (blockElements, blockBytes) = GgmlTypeInfo.Layout(Type)
                ?? throw new InvalidOperationException($"Tensor '{Name}' has type {Type}, whose size is unknown.");
            return ElementCount / blockElements * blockBytes;
        }
    }
}
