using System.Buffers;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Bytes written in segments of growing size (up to 1 MB), then copied once into an array of their exact length. A buffer that
/// doubles holds the old and the new array at each step and leaves both behind: a 26 MB snapshot passed through 16 and 32 MB
/// arrays (74 MB at once, most of it garbage on the large object heap) where this needs its 26 MB twice.
/// </summary>
internal sealed class SegmentedBuffer : IBufferWriter<byte>
{
    private const int FirstSegment = 4 * 1024;
    private const int LargestSegment = 1024 * 1024;

    // Segments already written, each with the bytes it holds (a writer asks for more room before a segment is quite full).
    private readonly List<(byte[] Bytes, int Length)> _full = [];
    private byte[] _current = new byte[FirstSegment];
    private int _used;
    private long _fullBytes;

    public void Advance(int count)
    {
        if (count < 0 || _used + count > _current.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var at = Reserve(sizeHint); // first: it may start a new segment
        return _current.AsMemory(at);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>The bytes written, in one array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[checked((int)(_fullBytes + _used))];
        var at = 0;
        foreach (var (segment, length) in _full)
        {
            segment.AsSpan(0, length).CopyTo(bytes.AsSpan(at));
            at += length;
        }
        _current.AsSpan(0, _used).CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    // Where the next write goes in the current segment, after starting a new one if fewer than sizeHint bytes are left.
    private int Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _used >= needed) return _used;
        if (_used > 0)
        {
            _full.Add((_current, _used));
            _fullBytes += _used;
        }
        _current = new byte[Math.Max(needed, Math.Min(LargestSegment, _current.Length * 2))];
        _used = 0;
        return 0;
    }
}
