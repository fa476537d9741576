using System.Text;
using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>Writes small synthetic GGUF files for the reader's specs.</summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<(string Name, long[] Dims, uint Type, byte[] Data)> _tensors = [];

    public uint Version { get; init; } = 3;

    public uint Magic { get; init; } = GgufFile.Magic;

    public int Alignment { get; init; } = 32;

    public GgufWriter Add(string key, GgufValueType type, object value)
    {
        _metadata.Add((key, type, value));
        return this;
    }

    /// <summary>An array value: (element type, elements); elements of an Array type are themselves such tuples.</summary>
    public GgufWriter AddArray(string key, GgufValueType elementType, params object[] items) =>
        Add(key, GgufValueType.Array, (elementType, items));

    public GgufWriter AddTensor(string name, long[] dims, uint type, byte[] data)
    {
        _tensors.Add((name, dims, type, data));
        return this;
    }

    public GgufWriter AddF32Tensor(string name, long[] dims, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return AddTensor(name, dims, (uint)GgmlType.F32, bytes);
    }

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value);
        }
        long offset = 0;
        var offsets = new List<long>();
        foreach (var (name, dims, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims) w.Write((ulong)d);
            w.Write(type);
            w.Write((ulong)offset);
            offsets.Add(offset);
            offset = (offset + data.Length + Alignment - 1) / Alignment * Alignment;
        }
        w.Flush();
        Pad(ms);
        foreach (var (_, _, _, data) in _tensors)
        {
            ms.Write(data);
            Pad(ms);
        }
        return ms.ToArray();
    }

    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private void Pad(MemoryStream ms)
    {
        while (ms.Length % Alignment != 0) ms.WriteByte(0);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            case GgufValueType.Array:
                var (elementType, items) = ((GgufValueType, object[]))value;
                w.Write((uint)elementType);
                w.Write((ulong)items.Length);
                foreach (var item in items) WriteValue(w, elementType, item);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }
}
