using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LlmSpell.Llm.Local.Download;

/// <summary>
/// Downloads a model file over HTTP into <c>&lt;file&gt;.partial</c> and renames it into place only when complete and
/// verified, so a model file that exists is always whole. A partial file left by an interrupted run is resumed with an
/// HTTP Range request (a server that ignores Range sends the whole file, which then starts over); a connection that
/// breaks off is resumed the same way, up to <see cref="MaxAttempts"/> tries.
/// </summary>
public sealed class ModelDownloader(HttpClient http)
{
    public const string PartialSuffix = ".partial";

    private const int BufferSize = 1 << 20;

    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>Tries per download (a broken connection resumes where it stopped).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The pause before trying again after a broken connection.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a read may wait for data before the connection counts as broken.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <param name="model">The model's name, for messages.</param>
    /// <param name="url">Where the file is.</param>
    /// <param name="destination">The final path of the file.</param>
    /// <param name="expectedSha256">64 hex digits to verify against; null: not verified (the hash is still computed).</param>
    /// <param name="progress">Told of the bytes on disk as they arrive.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays for a later resume.</param>
    public async Task<ModelDownloadResult> DownloadAsync(string model, Uri url, string destination, string? expectedSha256 = null,
        IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var expected = expectedSha256 is null ? null : NormalizeSha256(expectedSha256);
        destination = Path.GetFullPath(destination);

        if (File.Exists(destination))
        {
            var existing = await Sha256Async(destination, cancellationToken).ConfigureAwait(false);
            if (expected is not null && existing != expected)
                throw new ModelDownloadException(
                    $"'{destination}' already exists but its SHA-256 is {existing}, not the expected {expected}. Delete the file to download '{model}' again.",
                    url, model);
            return new ModelDownloadResult(destination, new FileInfo(destination).Length, existing, 0, AlreadyPresent: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + PartialSuffix;
        long? resumedFrom = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The first attempt's starting offset is what an earlier run left (0 when the server ignored Range).
                await AttemptAsync(model, url, partial, progress, offset => resumedFrom ??= offset, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (IsBrokenConnection(ex, cancellationToken))
            {
                var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                if (attempt >= MaxAttempts)
                    throw new ModelDownloadException(
                        $"Downloading '{model}' from {url} broke off after {have} bytes ({attempt} tries): {ex.Message}. " +
                        $"The partial file '{partial}' is kept; run the command again to resume.",
                        url, model, innerException: ex);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }

        var sha = await Sha256Async(partial, cancellationToken).ConfigureAwait(false);
        if (expected is not null && sha != expected)
        {
            File.Delete(partial);
            throw new ModelDownloadException(
                $"The download of '{model}' from {url} has SHA-256 {sha}, but {expected} was expected; the file was deleted. " +
                "Check the URL and the --sha256 value (or the catalog entry).",
                url, model);
        }
        var bytes = new FileInfo(partial).Length;
        File.Move(partial, destination, overwrite: true);
        return new ModelDownloadResult(destination, bytes, sha, resumedFrom ?? 0, AlreadyPresent: false);
    }

    /// <summary>Lower-case hex; throws <see cref="ArgumentException"/> saying what a SHA-256 looks like.</summary>
    public static string NormalizeSha256(string sha256)
    {
        var s = sha256.Trim().ToLowerInvariant();
        if (s.Length != 64 || !s.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{sha256}' is not a SHA-256: expected 64 hexadecimal digits (as printed by sha256sum).", nameof(sha256));
        return s;
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken = default)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        await using (stream.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One request: resumes from the partial file's length; tells <paramref name="started"/> the offset the server's body starts at.</summary>
    private async Task AttemptAsync(string model, Uri url, string partial, IProgress<ModelDownloadProgress>? progress, Action<long> started, CancellationToken ct)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var response = await SendAsync(url, have, ct).ConfigureAwait(false);
        long offset;
        long? total;
        switch (response.StatusCode)
        {
            case HttpStatusCode.RequestedRangeNotSatisfiable when have > 0:
                // Asked for bytes past the end: the partial file is complete if it is exactly the file's size.
                if (response.Content.Headers.ContentRange?.Length == have)
                {
                    started(have);
                    return;
                }
                File.Delete(partial);
                throw new HttpIOException(HttpRequestError.InvalidResponse,
                    $"the server has no bytes from {have} on (its file is {response.Content.Headers.ContentRange?.Length?.ToString(CultureInfo.InvariantCulture) ?? "of unknown size"}); starting over");
            case HttpStatusCode.PartialContent:
                var range = response.Content.Headers.ContentRange;
                if (range?.From != have)
                    throw new ModelDownloadException($"The server at {url} answered the request for bytes {have}- with the range '{range}'. Delete '{partial}' and try again.", url, model, 206);
                offset = have;
                total = range.Length ?? (response.Content.Headers.ContentLength is { } partLength ? have + partLength : null);
                break;
            case HttpStatusCode.OK:
                // No Range asked, or the server ignored it: the body is the whole file.
                offset = 0;
                total = response.Content.Headers.ContentLength;
                break;
            case HttpStatusCode.NotFound:
                throw new ModelDownloadException(
                    $"No file at {url} (HTTP 404). Check the model name and the --url; see 'llmspell models pull --help' for the catalog.", url, model, 404);
            case >= HttpStatusCode.InternalServerError:
                throw new HttpRequestException($"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            default:
                throw new ModelDownloadException(
                    $"The server at {url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} for '{model}'. " +
                    (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                        ? "The file needs an account or accepted licence: download it in a browser and put it in the models folder."
                        : "Check the URL."),
                    url, model, (int)response.StatusCode);
        }

        started(offset);
        var file = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = new byte[BufferSize];
                var received = offset;
                progress?.Report(new ModelDownloadProgress(received, total, offset));
                while (true)
                {
                    int n;
                    using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        idle.CancelAfter(ReadTimeout);
                        try
                        {
                            n = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                        {
                            throw new TimeoutException($"no data for {ReadTimeout.TotalSeconds:0} s");
                        }
                    }
                    if (n == 0) break;
                    await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    received += n;
                    progress?.Report(new ModelDownloadProgress(received, total, offset));
                }
                if (total is { } expectedLength && received != expectedLength)
                    throw new HttpIOException(HttpRequestError.ResponseEnded, $"the connection closed after {received} of {expectedLength} bytes");
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, long from, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
    }

    private static bool IsBrokenConnection(Exception ex, CancellationToken ct) => !ct.IsCancellationRequested && ex switch
    {
        ModelDownloadException => false,
        HttpRequestException { StatusCode: null or >= HttpStatusCode.InternalServerError } => true,
        IOException or TimeoutException => true,
        // HttpClient.Timeout surfaces as a cancellation the caller did not ask for.
        OperationCanceledException => true,
        _ => false,
    };
}
