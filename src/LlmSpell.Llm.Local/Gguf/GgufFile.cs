using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmSpell.Llm.Local.Gguf;

/// <summary>An open GGUF file: header, metadata, tensor infos, and tensor data memory-mapped from disk.</summary>
public sealed class GgufFile : IDisposable
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    public const int DefaultAlignment = 32;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private bool _disposed;

    private GgufFile(string path, uint version, GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors,
        long dataOffset, long alignment, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
        Alignment = alignment;
        _map = map;
        _view = view;
        _tensorsByName = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
        foreach (var t in tensors) _tensorsByName[t.Name] = t;
    }

    public string Path { get; }

    public uint Version { get; }

    public GgufMetadata Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Where tensor data starts in the file (aligned to <see cref="Alignment"/>).</summary>
    public long DataOffset { get; }

    public long Alignment { get; }

    /// <summary>Opens and validates a GGUF file; throws <see cref="GgufFormatException"/> when it is not one this reader can use.</summary>
    public static GgufFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"GGUF file '{path}' does not exist. Check the path or download the model first.", path);
        var length = new FileInfo(path).Length;
        if (length < 24)
            throw new GgufFormatException(path, $"the file is truncated: {length} bytes, shorter than a GGUF header (24 bytes)", "Download the file again.");

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            try
            {
                var reader = new GgufHeaderReader(path, view, length);
                var header = reader.ReadHeader();
                return new GgufFile(path, header.Version, header.Metadata, header.Tensors, header.DataOffset, header.Alignment, map, view);
            }
            catch
            {
                view.Dispose();
                throw;
            }
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    public bool TryGetTensor(string name, out GgufTensorInfo tensor) => _tensorsByName.TryGetValue(name, out tensor!);

    public GgufTensorInfo GetTensor(string name) => _tensorsByName.TryGetValue(name, out var t)
        ? t
        : throw new GgufFormatException(Path, $"tensor '{name}' is missing", "The file is not a complete model of the expected architecture; re-convert it.");

    /// <summary>
    /// A tensor's elements as floats: F32 copied, F16 / BF16 / Q8_0 / Q4_0 converted on load (Q8_0: blocks of 32 int8
    /// values sharing one F16 scale, value = scale × q; Q4_0: blocks of 32 4-bit values sharing one F16 scale,
    /// value = scale × (q − 8); Q4_K: super-blocks of 256 4-bit values in 8 groups with 6-bit scales and mins;
    /// Q6_K: super-blocks of 256 6-bit values in 16 groups with int8 scales and one F16 scale).
    /// Other types are refused with the tensor named.
    /// </summary>
    public float[] ReadFloats(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new float[checked((int)tensor.ElementCount)];
        switch (tensor.Type)
        {
            case GgmlType.F32:
                CopyBytes(tensor, MemoryMarshal.AsBytes(result.AsSpan()));
                return result;
            case GgmlType.F16:
            case GgmlType.BF16:
            case GgmlType.Q8_0:
            case GgmlType.Q4_0:
            case GgmlType.Q6_K:
            case GgmlType.Q4_K:
                var raw = new byte[checked((int)tensor.ByteSize)];
                CopyBytes(tensor, raw);
                Dequantize(tensor.Type, raw, result);
                return result;
            default:
                throw new GgufFormatException(Path, $"tensor '{tensor.Name}' has type {tensor.Type}; only F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K weights are supported so far",
                    "Use an F32, F16, Q8_0, Q4_0, Q4_K or Q6_K GGUF (e.g. convert with --outtype f16 or q8_0, or quantise to Q4_0) until other quantised types are supported.");
        }
    }

    /// <summary>Converts <paramref name="source"/> (raw tensor bytes of <paramref name="type"/>) to floats.</summary>
    internal static void Dequantize(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case GgmlType.BF16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                break;
            case GgmlType.Q8_0:
                const int blockElements = 32, blockBytes = 34;
                if (destination.Length % blockElements != 0)
                    throw new ArgumentException($"Q8_0 holds whole blocks of {blockElements}; {destination.Length} elements is not one", nameof(destination));
                for (var b = 0; b < destination.Length / blockElements; b++)
                {
                    var block = source.Slice(b * blockBytes, blockBytes);
                    var scale = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
                    var quants = MemoryMarshal.Cast<byte, sbyte>(block[2..]);
                    var output = destination.Slice(b * blockElements, blockElements);
                    for (var i = 0; i < blockElements; i++) output[i] = scale * quants[i];
                }
                break;
            case GgmlType.Q4_0:
                DequantizeQ4_0(source, destination);
                break;
            case GgmlType.Q6_K:
                DequantizeQ6_K(source, destination);
                break;
            case GgmlType.Q4_K:
                DequantizeQ4_K(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "no dequantisation for this type");
        }
    }

    /// <summary>Q4_0: blocks of 32 = [f16 d][16 bytes qs]; element j = d × ((qs[j] &amp; 0xF) − 8), element j+16 = d × ((qs[j] &gt;&gt; 4) − 8).</summary>
    private static void DequantizeQ4_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        const int blockElements = 32, blockBytes = 18;
        RequireWholeBlocks(GgmlType.Q4_0, blockElements, destination.Length);
        for (var b = 0; b < destination.Length / blockElements; b++)
        {
            var block = source.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var qs = block[2..];
            var output = destination.Slice(b * blockElements, blockElements);
            for (var j = 0; j < 16; j++)
            {
                output[j] = ((qs[j] & 0x0F) - 8) * d;
                output[j + 16] = ((qs[j] >> 4) - 8) * d;
            }
        }
    }

    /// <summary>
    /// Q6_K: super-blocks of 256 = [ql 128 bytes: low 4 bits][qh 64 bytes: high 2 bits][16 int8 scales][f16 d];
    /// element = d × scale × (6-bit q − 32), laid out as in ggml's dequantize_row_q6_K.
    /// </summary>
    private static void DequantizeQ6_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        const int blockElements = 256, blockBytes = 210;
        RequireWholeBlocks(GgmlType.Q6_K, blockElements, destination.Length);
        for (var b = 0; b < destination.Length / blockElements; b++)
        {
            var block = source.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block[208..]);
            var output = destination.Slice(b * blockElements, blockElements);
            for (var half = 0; half < 2; half++)
            {
                var ql = block.Slice(half * 64, 64);
                var qh = block.Slice(128 + half * 32, 32);
                var sc = MemoryMarshal.Cast<byte, sbyte>(block.Slice(192 + half * 8, 8));
                var y = output.Slice(half * 128, 128);
                for (var l = 0; l < 32; l++)
                {
                    var i = l / 16;
                    var q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    var q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    y[l] = d * sc[i] * q1;
                    y[l + 32] = d * sc[i + 2] * q2;
                    y[l + 64] = d * sc[i + 4] * q3;
                    y[l + 96] = d * sc[i + 6] * q4;
                }
            }
        }
    }

    /// <summary>
    /// Q4_K: super-blocks of 256 = [f16 d][f16 dmin][12 bytes: 6-bit scales and mins of 8 sub-blocks of 32][qs 128 bytes];
    /// element = d × scale × q − dmin × min, laid out as in ggml's dequantize_row_q4_K.
    /// </summary>
    private static void DequantizeQ4_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        const int blockElements = 256, blockBytes = 144;
        RequireWholeBlocks(GgmlType.Q4_K, blockElements, destination.Length);
        for (var b = 0; b < destination.Length / blockElements; b++)
        {
            var block = source.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var dmin = (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]);
            var scales = block.Slice(4, 12);
            var output = destination.Slice(b * blockElements, blockElements);
            for (var chunk = 0; chunk < 4; chunk++)
            {
                var q = block.Slice(16 + chunk * 32, 32);
                var (sc1, m1) = ScaleMinK4(2 * chunk, scales);
                var (sc2, m2) = ScaleMinK4(2 * chunk + 1, scales);
                float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
                var y = output.Slice(chunk * 64, 64);
                for (var l = 0; l < 32; l++)
                {
                    y[l] = d1 * (q[l] & 0xF) - min1;
                    y[l + 32] = d2 * (q[l] >> 4) - min2;
                }
            }
        }
    }

    /// <summary>ggml's get_scale_min_k4: the 6-bit scale and min of sub-block <paramref name="j"/> (0..7).</summary>
    private static (int Scale, int Min) ScaleMinK4(int j, ReadOnlySpan<byte> q) => j < 4
        ? (q[j] & 63, q[j + 4] & 63)
        : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));

    private static void RequireWholeBlocks(GgmlType type, int blockElements, int length)
    {
        if (length % blockElements != 0)
            throw new ArgumentException($"{type} holds whole blocks of {blockElements}; {length} elements is not one", "destination");
    }

    /// <summary>Copies a tensor's raw bytes (any type) into <paramref name="destination"/>, which must be exactly its size.</summary>
    public void CopyBytes(GgufTensorInfo tensor, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != tensor.ByteSize)
            throw new ArgumentException($"destination holds {destination.Length} bytes; tensor '{tensor.Name}' has {tensor.ByteSize}", nameof(destination));
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + DataOffset + tensor.Offset), destination);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.Dispose();
        _map.Dispose();
    }

    internal static string DecodeUtf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
