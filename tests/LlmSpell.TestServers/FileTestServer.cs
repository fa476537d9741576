using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LlmSpell.TestServers;

/// <summary>
/// A loopback file server for download specs: GET of a path serves its bytes, honouring <c>Range: bytes=N-</c> with 206 and
/// Content-Range (or 416 past the end) unless <see cref="IgnoreRange"/>; can cut the connection after some bytes; 404 for
/// unknown paths.
/// </summary>
public sealed partial class FileTestServer : LoopbackServer
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(long Bytes, Task Before)> _cuts = new();

    private FileTestServer()
    {
    }

    /// <summary>Answer every request with the whole file (200), as servers without range support do.</summary>
    public bool IgnoreRange { get; set; }

    public static async Task<FileTestServer> StartAsync()
    {
        var server = new FileTestServer();
        await server.StartServerAsync("").ConfigureAwait(false);
        return server;
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> (starting with '/'); returns its URL.</summary>
    public Uri Serve(string path, byte[] content)
    {
        _files[path] = content;
        return new Uri(BaseUrl, path.TrimStart('/'));
    }

    /// <summary>
    /// The next response (one per call, in order) sends <paramref name="bytes"/> body bytes, waits for
    /// <paramref name="received"/> (the client saying it has them: a reset discards bytes still in flight), then resets the
    /// connection.
    /// </summary>
    public void CutAfter(long bytes, Task received) => _cuts.Enqueue((bytes, received));

    protected override bool IsInference(RecordedRequest request) => false;

    protected override async Task ServeAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Method != "GET" || !_files.TryGetValue(request.Path, out var content))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("Entry not found", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        long from = 0;
        if (!IgnoreRange && request.Headers.TryGetValue("range", out var range) && RangeHeader().Match(range) is { Success: true } m)
        {
            from = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (from >= content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }
        else
        {
            context.Response.StatusCode = 200;
        }
        context.Response.Headers.AcceptRanges = IgnoreRange ? "none" : "bytes";
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length - from;
        var body = content.AsMemory((int)from);
        if (_cuts.TryDequeue(out var cut) && cut.Bytes < body.Length)
        {
            await context.Response.Body.WriteAsync(body[..(int)cut.Bytes], context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await cut.Before.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted).ConfigureAwait(false);
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^bytes=(\d+)-$")]
    private static partial Regex RangeHeader();
}
