using System.Buffers;
using System.Text.Json;

namespace LlmSpell.Llm.Http;

/// <summary>
/// Passes an NDJSON body through unchanged while checking each line: a line that is not JSON is a protocol error, and an
/// <c>{"error":"…"}</c> line (Ollama reports failures mid-stream that way) fails the read with the server's text — OllamaSharp's
/// chat stream would otherwise skip it. Lines before a bad one are passed on first. Reads use the call's token, because
/// the library reads the body without one and a stalled server would otherwise hold the read forever.
/// </summary>
internal sealed class NdjsonGuardStream(Stream inner, LlmEndpoint endpoint, string? model, CancellationToken token, Func<string, Exception>? reportedError)
    : Stream
{
    private ArrayBufferWriter<byte>? _partial;
    private Exception? _failure;
    private int _lines;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_failure is not null) throw _failure;
        var read = inner.Read(buffer, offset, count);
        return Check(buffer.AsSpan(offset, read));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failure is not null) throw _failure;
        var read = await inner.ReadAsync(buffer, token.CanBeCanceled ? token : cancellationToken).ConfigureAwait(false);
        return Check(buffer.Span[..read]);
    }

    /// <summary>How many of the bytes just read may go on: all, or those before a bad line (the failure then comes next).</summary>
    private int Check(ReadOnlySpan<byte> read)
    {
        var start = 0;
        while (start < read.Length)
        {
            var newline = read[start..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                (_partial ??= new ArrayBufferWriter<byte>()).Write(read[start..]);
                break;
            }
            Exception? bad;
            if (_partial is { WrittenCount: > 0 })
            {
                _partial.Write(read.Slice(start, newline));
                bad = CheckLine(_partial.WrittenSpan);
                _partial.ResetWrittenCount();
            }
            else
            {
                bad = CheckLine(read.Slice(start, newline));
            }
            if (bad is not null)
            {
                if (start == 0) throw bad;
                _failure = bad;
                return start;
            }
            start += newline + 1;
        }
        return read.Length;
    }

    private Exception? CheckLine(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd((byte)'\r');
        if (line.IsEmpty) return null;
        _lines++;
        var reader = new Utf8JsonReader(line);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            return endpoint.Malformed(model, $"line {_lines} is not valid JSON ({ex.Message})", ex);
        }
        if (line.IndexOf("\"error\""u8) < 0) return null;
        using var doc = JsonDocument.Parse(line.ToArray());
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String)
            return null;
        var text = error.GetString() ?? "";
        return reportedError?.Invoke(text) ?? endpoint.ReportedError(model, text);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
