using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmSpell.TestServers;

/// <summary>
/// A Kestrel server on 127.0.0.1 and a free port, answering from a script: rules matched in the order added (a rule with a
/// count is used up after that many requests), then <see cref="DefaultReply"/>. Records every request and the most
/// requests it ever had in flight at once.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly List<Rule> _rules = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private WebApplication? _app;
    private int _inFlight;
    private int _maxInFlight;
    private int _received;
    private readonly HashSet<string> _connections = [];

    /// <summary>The root URL clients are configured with (ends in '/').</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>What inference requests get when no rule matches.</summary>
    public ScriptedReply DefaultReply { get; set; } = ScriptedReply.Text("ok");

    /// <summary>Keep every request (turn off for benchmarks).</summary>
    public bool RecordRequests { get; set; } = true;

    public int InFlight => Volatile.Read(ref _inFlight);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Distinct TCP connections requests arrived on (a client that pools connections keeps this low).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock) return _connections.Count;
        }
    }

    /// <summary>Requests received, recorded or not.</summary>
    public int RequestCount => Volatile.Read(ref _received);

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock) return _requests.ToArray();
        }
    }

    /// <summary>Answers the matching requests with <paramref name="reply"/>, at most <paramref name="times"/> times (null: always).</summary>
    public LoopbackServer On(Func<RecordedRequest, bool> when, ScriptedReply reply, int? times = null)
    {
        lock (_lock) _rules.Add(new Rule(when, reply, times));
        return this;
    }

    public LoopbackServer OnModel(string model, ScriptedReply reply, int? times = null) => On(r => IsInference(r) && r.Model == model, reply, times);

    public LoopbackServer OnPrompt(string containing, ScriptedReply reply, int? times = null) =>
        On(r => IsInference(r) && (r.Prompt?.Contains(containing, StringComparison.Ordinal) ?? false), reply, times);

    /// <summary>The next <paramref name="times"/> inference requests fail with <paramref name="statusCode"/>; later ones follow the other rules.</summary>
    public LoopbackServer FailTimes(int times, int statusCode = 500, string message = "scripted server failure") =>
        On(IsInference, ScriptedReply.Error(statusCode, message), times);

    public LoopbackServer Always(ScriptedReply reply)
    {
        DefaultReply = reply;
        return this;
    }

    /// <summary>Forgets rules, requests and counters (between the tests of a class).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _rules.Clear();
            _requests.Clear();
            _waiters.Clear();
            _connections.Clear();
            _maxInFlight = _inFlight;
            _received = 0;
        }
        DefaultReply = ScriptedReply.Text("ok");
        RecordRequests = true;
    }

    /// <summary>Completes once <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_lock)
        {
            if (_received >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Whether a request asks the model something (chat, generate, embed…) rather than about the server.</summary>
    protected abstract bool IsInference(RecordedRequest request);

    protected abstract Task ServeAsync(HttpContext context, RecordedRequest request);

    /// <summary>The scripted reply for <paramref name="request"/>: the first live matching rule, else null.</summary>
    protected ScriptedReply? RuleFor(RecordedRequest request)
    {
        lock (_lock)
        {
            foreach (var rule in _rules)
            {
                if (rule.Remaining == 0 || !rule.When(request)) continue;
                if (rule.Remaining is { } n) rule.Remaining = n - 1;
                return rule.Reply;
            }
        }
        return null;
    }

    protected async Task StartServerAsync(string pathBase)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync().ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(new Uri(address.TrimEnd('/') + "/"), pathBase);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        var leaving = new InFlightExit(this);
        context.Items[typeof(InFlightExit)] = leaving;
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max) break;
        }
        RecordedRequest? request = null;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
                body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in context.Request.Headers) headers[name.ToLowerInvariant()] = value.ToString();
            request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", headers, body);
            Record(request, context.Connection.Id);
            using var aborted = context.RequestAborted.Register(static r => ((RecordedRequest)r!).MarkAborted(), request);
            await ServeAsync(context, request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
        {
            request?.MarkAborted();
        }
        finally
        {
            leaving.Leave();
            request?.MarkFinished();
        }
    }

    private void Record(RecordedRequest request, string connection)
    {
        List<TaskCompletionSource>? reached = null;
        lock (_lock)
        {
            _received++;
            _connections.Add(connection);
            if (RecordRequests) _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count > _received) continue;
                (reached ??= []).Add(_waiters[i].Reached);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var r in reached ?? []) r.TrySetResult();
    }

    /// <summary>Applies delay and gate; false when the client went away meanwhile.</summary>
    protected static async Task<bool> BeforeAnswerAsync(HttpContext context, ScriptedReply reply)
    {
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, context.RequestAborted).ConfigureAwait(false);
        if (reply.Gate is { } gate) await gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        return !context.RequestAborted.IsCancellationRequested;
    }

    /// <summary>
    /// A request stops counting as in flight just before its last bytes go out: the client may read them and send its
    /// next request before this handler's own end runs, and that must not look like one request too many.
    /// </summary>
    private sealed class InFlightExit(LoopbackServer server)
    {
        private int _left;

        public void Leave()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) Interlocked.Decrement(ref server._inFlight);
        }
    }

    protected static void Answering(HttpContext context) => (context.Items[typeof(InFlightExit)] as InFlightExit)?.Leave();

    protected static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        Answering(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers with one JSON document, applying the reply's stall (before anything is sent) and truncation (half the
    /// document, then the end of the body or a reset).
    /// </summary>
    protected static async Task AnswerWholeAsync(HttpContext context, RecordedRequest request, ScriptedReply reply, string json)
    {
        if (reply.StallAfterChunks is not null)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                request.MarkAborted();
            }
            return;
        }
        if (reply.TruncateAfterChunks is not null)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json; charset=utf-8";
            await WriteAndFlushAsync(context, json[..(json.Length / 2)]).ConfigureAwait(false);
            if (reply.AbortConnection) context.Abort();
            return;
        }
        await WriteJsonAsync(context, 200, json).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="chunks"/> then <paramref name="final"/>, applying the reply's stall, truncation, malformed
    /// line and error line at their chunk positions.
    /// </summary>
    protected static async Task StreamAsync(HttpContext context, RecordedRequest request, ScriptedReply reply, string contentType,
        IReadOnlyList<string> chunks, string final, string malformed, string errorLine)
    {
        var ct = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        for (var i = 0; i <= chunks.Count; i++)
        {
            if (i == reply.StallAfterChunks)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    request.MarkAborted();
                }
                return;
            }
            if (i == reply.TruncateAfterChunks)
            {
                if (reply.AbortConnection) context.Abort();
                return;
            }
            if (i == reply.ErrorLineAfterChunks)
            {
                await WriteAndFlushAsync(context, errorLine).ConfigureAwait(false);
                return;
            }
            if (i == reply.MalformedAfterChunks) await WriteAndFlushAsync(context, malformed).ConfigureAwait(false);
            if (i == chunks.Count) break;
            if (i > 0 && reply.ChunkDelay > TimeSpan.Zero) await Task.Delay(reply.ChunkDelay, ct).ConfigureAwait(false);
            await WriteAndFlushAsync(context, chunks[i]).ConfigureAwait(false);
        }
        Answering(context);
        await WriteAndFlushAsync(context, final).ConfigureAwait(false);
    }

    private static async Task WriteAndFlushAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        // Requests still stalled would hold a graceful stop for its whole timeout: give them a moment, then cut them off.
        using var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
        GC.SuppressFinalize(this);
    }

    private sealed class Rule(Func<RecordedRequest, bool> when, ScriptedReply reply, int? times)
    {
        public Func<RecordedRequest, bool> When { get; } = when;
        public ScriptedReply Reply { get; } = reply;
        public int? Remaining { get; set; } = times;
    }
}
