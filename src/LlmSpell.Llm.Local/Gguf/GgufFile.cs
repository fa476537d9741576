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

    /// <summary>Copies an F32 tensor's elements out of the mapped file.</summary>
    public float[] ReadFloats(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.Type != GgmlType.F32)
            throw new GgufFormatException(Path, $"tensor '{tensor.Name}' has type {tensor.Type}; only F32 weights are supported so far",
                "Use an F32 GGUF (convert with --outtype f32) until quantised types are supported.");
        var result = new float[checked((int)tensor.ElementCount)];
        CopyBytes(tensor, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
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
