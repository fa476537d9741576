using System.Security.Cryptography;
using LlmSpell.Llm.Local.Download;
using LlmSpell.TestServers;

namespace LlmSpell.Llm.Local.Tests.Download;

public sealed class ModelDownloaderSpec : IAsyncLifetime
{
    private const int Size = 3_000_000;
    private static readonly byte[] Content = MakeContent();
    private static readonly string ContentSha = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"llmspell-download-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private FileTestServer _server = null!;
    private Uri _url = null!;

    private string Destination => Path.Combine(_dir, "tiny.gguf");

    private string Partial => Destination + ModelDownloader.PartialSuffix;

    public async Task InitializeAsync()
    {
        _server = await FileTestServer.StartAsync();
        _url = _server.Serve("/org/repo/resolve/main/tiny.gguf", Content);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private ModelDownloader Downloader(int maxAttempts = 4) => new(_http) { MaxAttempts = maxAttempts, RetryDelay = TimeSpan.Zero };

    [Fact]
    public async Task Downloads_the_whole_file_verifies_it_and_renames_it_into_place()
    {
        var reports = new List<ModelDownloadProgress>();

        var result = await Downloader().DownloadAsync("tiny", _url, Destination, ContentSha.ToUpperInvariant(), new SyncProgress(reports.Add));

        File.ReadAllBytes(Destination).Should().Equal(Content);
        File.Exists(Partial).Should().BeFalse();
        result.Should().Be(new ModelDownloadResult(Destination, Size, ContentSha, 0, AlreadyPresent: false));
        reports[^1].Should().Be(new ModelDownloadProgress(Size, Size, 0));
        _server.Requests.Should().ContainSingle().Which.Headers.Should().NotContainKey("range");
    }

    [Fact]
    public async Task A_connection_that_breaks_off_is_resumed_from_where_it_stopped()
    {
        var received = Received(1_000_000, out var progress);
        _server.CutAfter(1_000_000, received);

        var result = await Downloader().DownloadAsync("tiny", _url, Destination, progress: progress);

        File.ReadAllBytes(Destination).Should().Equal(Content);
        result.Sha256.Should().Be(ContentSha);
        result.ResumedFrom.Should().Be(0, "nothing came from an earlier run");
        _server.Requests.Select(r => r.Headers.GetValueOrDefault("range")).Should().Equal(null, "bytes=1000000-");
    }

    [Fact]
    public async Task An_interrupted_run_keeps_the_partial_file_and_the_next_run_resumes_it()
    {
        var received = Received(1_200_000, out var progress);
        _server.CutAfter(1_200_000, received);

        var first = () => Downloader(maxAttempts: 1).DownloadAsync("tiny", _url, Destination, progress: progress);

        (await first.Should().ThrowAsync<ModelDownloadException>())
            .WithMessage("*broke off after 1200000 bytes*partial file*run the command again to resume*");
        new FileInfo(Partial).Length.Should().Be(1_200_000);
        File.Exists(Destination).Should().BeFalse();

        var second = await Downloader().DownloadAsync("tiny", _url, Destination, ContentSha);

        second.ResumedFrom.Should().Be(1_200_000);
        File.ReadAllBytes(Destination).Should().Equal(Content);
        _server.Requests[^1].Headers["range"].Should().Be("bytes=1200000-");
    }

    [Fact]
    public async Task A_server_that_ignores_Range_sends_the_whole_file_and_the_download_starts_over()
    {
        _server.IgnoreRange = true;
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Partial, new byte[700]); // not the file's first bytes: they must not survive

        var result = await Downloader().DownloadAsync("tiny", _url, Destination, ContentSha);

        _server.Requests.Single().Headers["range"].Should().Be("bytes=700-");
        result.ResumedFrom.Should().Be(0);
        File.ReadAllBytes(Destination).Should().Equal(Content);
    }

    [Fact]
    public async Task A_partial_file_that_is_already_complete_needs_no_more_bytes()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Partial, Content);

        var result = await Downloader().DownloadAsync("tiny", _url, Destination, ContentSha);

        result.ResumedFrom.Should().Be(Size);
        File.ReadAllBytes(Destination).Should().Equal(Content);
    }

    [Fact]
    public async Task A_SHA256_mismatch_deletes_the_download_and_names_both_hashes()
    {
        var wrong = new string('a', 64);

        var act = () => Downloader().DownloadAsync("tiny", _url, Destination, wrong);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain(ContentSha).And.Contain(wrong).And.Contain("deleted").And.Contain(_url.ToString());
        File.Exists(Partial).Should().BeFalse();
        File.Exists(Destination).Should().BeFalse();
    }

    [Fact]
    public async Task A_missing_file_is_a_404_error_saying_what_to_check()
    {
        var missing = new Uri(_server.BaseUrl, "org/repo/resolve/main/nope.gguf");

        var act = () => Downloader().DownloadAsync("nope", missing, Destination);

        var error = (await act.Should().ThrowAsync<ModelDownloadException>()).Which;
        error.StatusCode.Should().Be(404);
        error.Message.Should().Contain(missing.ToString()).And.Contain("HTTP 404").And.Contain("--url");
        File.Exists(Partial).Should().BeFalse();
        _server.Requests.Should().ContainSingle("a 404 is not worth retrying");
    }

    [Fact]
    public async Task A_file_already_in_place_is_verified_not_downloaded_again()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Destination, Content);

        var result = await Downloader().DownloadAsync("tiny", _url, Destination, ContentSha);
        var mismatch = () => Downloader().DownloadAsync("tiny", _url, Destination, new string('b', 64));

        result.AlreadyPresent.Should().BeTrue();
        (await mismatch.Should().ThrowAsync<ModelDownloadException>()).WithMessage("*already exists*Delete the file*");
        _server.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_SHA256_is_rejected_saying_what_one_looks_like(string sha)
    {
        var act = () => ModelDownloader.NormalizeSha256(sha);

        act.Should().Throw<ArgumentException>().WithMessage("*64 hexadecimal digits*");
    }

    /// <summary>Completes once the downloader reports <paramref name="bytes"/> on disk, so the server's cut loses nothing in flight.</summary>
    private static Task Received(long bytes, out IProgress<ModelDownloadProgress> progress)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        progress = new SyncProgress(p =>
        {
            if (p.Received >= bytes) reached.TrySetResult();
        });
        return reached.Task;
    }

    private static byte[] MakeContent()
    {
        var bytes = new byte[Size];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<ModelDownloadProgress> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value) => report(value);
    }
}
