using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace LlmSpell.Llm.Local.Gguf;

/// <summary>Parses the header, metadata and tensor infos of a mapped GGUF file, checking every read against the file's length.</summary>
internal sealed class GgufHeaderReader(string path, MemoryMappedViewAccessor view, long length)
{
    private const int MaxArrayNesting = 16;
    private long _pos;
    private readonly byte[] _scratch = new byte[8];

    internal sealed record Header(uint Version, GgufMetadata Metadata, IReadOnlyList<GgufTensorInfo> Tensors, long DataOffset, long Alignment);

    public Header ReadHeader()
    {
        var magic = U32();
        if (magic != GgufFile.Magic)
        {
            var found = Encoding.ASCII.GetString(BitConverter.GetBytes(magic)).Replace('\0', '.');
            throw new GgufFormatException(path, $"wrong magic: expected \"GGUF\", found \"{Printable(found)}\" (0x{magic:X8})",
                "This is not a GGUF file; pass a .gguf model (llama.cpp format).");
        }
        var version = U32();
        if (version is not (2 or 3))
            throw new GgufFormatException(path, $"unsupported GGUF version {version} (supported: 2 and 3)",
                version == 1 ? "Re-convert the model with a current llama.cpp." : "Use a model converted by a llama.cpp of 2023-2025 (GGUF v2 or v3).");

        var tensorCount = Count(U64(), "tensor count");
        var kvCount = Count(U64(), "metadata count");

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            var key = String();
            var type = (GgufValueType)U32();
            values[key] = Value(type, key, 0);
        }
        var metadata = new GgufMetadata(path, values);

        var alignment = metadata.GetIntegerOr("general.alignment", GgufFile.DefaultAlignment);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new GgufFormatException(path, $"general.alignment is {alignment}, not a positive power of two", "Re-convert the model.");

        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 100_000));
        for (long i = 0; i < tensorCount; i++)
        {
            var name = String();
            var nDims = U32();
            if (nDims is 0 or > 4)
                throw new GgufFormatException(path, $"tensor '{name}' has {nDims} dimensions (1 to 4 allowed)", "The file is damaged; download it again.");
            var dims = new long[nDims];
            for (var d = 0; d < nDims; d++) dims[d] = Count(U64(), $"dimension {d} of tensor '{name}'");
            var rawType = U32();
            var type = (GgmlType)rawType;
            if (GgmlTypeInfo.Layout(type) is null)
                throw new GgufFormatException(path, $"tensor '{name}' has unknown or unsupported tensor type {rawType}" + (Enum.IsDefined(type) ? $" ({type})" : ""),
                    "Use a model with F32, F16 or common quantised (Q4_0..Q8_0, K-quant) tensors.");
            var offset = (long)U64();
            if (offset % alignment != 0)
                throw new GgufFormatException(path, $"tensor '{name}' starts at offset {offset}, not a multiple of the alignment {alignment}", "The file is damaged; download it again.");
            tensors.Add(new GgufTensorInfo(name, dims, type, offset));
        }

        var dataOffset = (_pos + alignment - 1) / alignment * alignment;
        foreach (var t in tensors)
        {
            var end = dataOffset + t.Offset + t.ByteSize;
            if (end > length)
                throw new GgufFormatException(path, $"the file is truncated: tensor '{t.Name}' ends at byte {end} but the file has {length} bytes",
                    "Download the file again (the copy is incomplete).");
        }
        return new Header(version, metadata, tensors, dataOffset, alignment);
    }

    private object Value(GgufValueType type, string key, int depth) => type switch
    {
        GgufValueType.UInt8 => Bytes(1)[0],
        GgufValueType.Int8 => (sbyte)Bytes(1)[0],
        GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)),
        GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(Bytes(2)),
        GgufValueType.UInt32 => U32(),
        GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)),
        GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(Bytes(4)),
        GgufValueType.Bool => Bytes(1)[0] switch
        {
            0 => false,
            1 => true,
            var b => throw new GgufFormatException(path, $"metadata key '{key}' is a bool with value {b} (0 or 1 allowed)", "The file is damaged; download it again."),
        },
        GgufValueType.String => String(),
        GgufValueType.UInt64 => U64(),
        GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8)),
        GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8)),
        GgufValueType.Array => Array(key, depth),
        _ => throw new GgufFormatException(path, $"metadata key '{key}' has unknown value type {(uint)type}", "The file is damaged or from a newer GGUF version."),
    };

    private GgufArray Array(string key, int depth)
    {
        if (depth >= MaxArrayNesting)
            throw new GgufFormatException(path, $"metadata key '{key}' nests arrays deeper than {MaxArrayNesting}", "The file is damaged; download it again.");
        var elementType = (GgufValueType)U32();
        var count = Count(U64(), $"array length of '{key}'");
        var items = new object[count];
        for (long i = 0; i < count; i++) items[i] = Value(elementType, key, depth + 1);
        return new GgufArray(elementType, items);
    }

    private string String()
    {
        var len = Count(U64(), "string length");
        if (len == 0) return "";
        Need(len);
        var buffer = len <= 256 ? stackalloc byte[(int)len] : new byte[len];
        view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(view.PointerOffset + _pos), buffer);
        _pos += len;
        return Encoding.UTF8.GetString(buffer);
    }

    private uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

    private ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

    private ReadOnlySpan<byte> Bytes(int n)
    {
        Need(n);
        var span = _scratch.AsSpan(0, n);
        view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(view.PointerOffset + _pos), span);
        _pos += n;
        return span;
    }

    private void Need(long n)
    {
        if (_pos + n > length)
            throw new GgufFormatException(path, $"the file is truncated: needed {n} bytes at offset {_pos} but the file has {length} bytes",
                "Download the file again (the copy is incomplete).");
    }

    /// <summary>Counts must fit in what is left of the file (each element takes at least a byte), which stops absurd allocations on damaged files.</summary>
    private int Count(ulong value, string what)
    {
        if (value > (ulong)Math.Max(0, length - _pos) || value > int.MaxValue)
            throw new GgufFormatException(path, $"the {what} is {value}, more than the file can hold (truncated or damaged)",
                "Download the file again (the copy is incomplete or damaged).");
        return (int)value;
    }

    private static string Printable(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
