using System.Net;
using System.ClientModel;
using System.Text.Json;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Llm.Http;

/// <summary>
/// One server as the clients see it: its HTTP client, its concurrency slots, its request timeout, and the
/// translation of every HTTP failure into a typed <see cref="LlmException"/> that names the URL and the fix.
/// </summary>
internal sealed class LlmEndpoint : IDisposable
{
    private readonly SemaphoreSlim _slots;

    public LlmEndpoint(EndpointProfile profile, Uri baseUrl, LlmEndpointOptions options, HttpClient? http = null, ILogger? logger = null)
    {
        Profile = profile;
        Options = options.Validate(profile.Provider);
        BaseUrl = WithTrailingSlash(baseUrl);
        Logger = logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        // Ours go in front of a caller's HttpClient (whose own handlers stay), so errors read the same either way.
        HttpMessageHandler transport = http is null ? CreateTransport(options) : new EndpointHandler.Forwarding(http);
        Http = new HttpClient(new EndpointHandler(this, transport)) { BaseAddress = BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    public EndpointProfile Profile { get; }
    public string Provider => Profile.Provider;
    public Uri BaseUrl { get; }
    public LlmEndpointOptions Options { get; }
    public ILogger Logger { get; }

    /// <summary>Requests holding a slot right now.</summary>
    public int InFlight => Options.MaxConcurrency - _slots.CurrentCount;

    /// <summary>The client every library call of this endpoint goes through; timeouts are ours (per request, after the slot is taken).</summary>
    public HttpClient Http { get; }

    private static SocketsHttpHandler CreateTransport(LlmEndpointOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>
    /// Takes a slot (when <paramref name="limited"/>: waiting for one honours only the caller's token) and starts the request
    /// timeout (when <paramref name="timed"/>). Dispose the lease when the response has been read to its end.
    /// </summary>
    public async ValueTask<RequestLease> AcquireAsync(bool limited, bool timed, CancellationToken cancellationToken)
    {
        if (limited) await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        CancellationTokenSource? timeout = null;
        if (timed && Options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.RequestTimeout);
        }
        return new RequestLease(limited ? _slots : null, timeout, cancellationToken);
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public async Task DelayBeforeRetryAsync(int attempt, Uri url, Exception failure, RequestLease lease)
    {
        var delay = TimeSpan.FromTicks(Options.RetryBackoff.Ticks * (1L << Math.Min(attempt - 1, 10)));
        LlmLog.Retrying(Logger, Provider, attempt, url, failure.Message, delay.TotalMilliseconds);
        try
        {
            await Task.Delay(delay, lease.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            throw Translate(ex, lease, model: null);
        }
    }

    /// <summary>Maps what HTTP and sockets throw to what the user can act on; the caller's cancellation stays a cancellation.</summary>
    public Exception Translate(Exception ex, RequestLease lease, string? model)
    {
        if (ex is LlmException) return ex;
        if (lease.Caller.IsCancellationRequested)
            return ex as OperationCanceledException ?? new OperationCanceledException("The LLM request was cancelled.", ex, lease.Caller);
        if (lease.TimedOut)
        {
            return new LlmTimeoutException(
                $"{Capitalized} at {BaseUrl} did not finish the request{ForModel(model)} within the request timeout of {Format(Options.RequestTimeout)}. " +
                "Raise the endpoint's RequestTimeout, or use a smaller model or prompt.",
                Provider, BaseUrl, model, Options.RequestTimeout, ex);
        }
        switch (ex)
        {
            // The OpenAI SDK wraps what the transport threw; the status it read is ours to type.
            case ClientResultException { InnerException: { } inner }:
                return Translate(inner, lease, model);
            case ClientResultException { Status: > 0 } result:
                return FailureFromStatus(result.Status, result.GetRawResponse()?.Content?.ToString(), model);
            case JsonException json:
                return Malformed(model, $"the answer is not valid JSON ({json.Message})", ex);
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError } http:
                return Unavailable(Reason(http), model, ex);
            case OperationCanceledException:
                // Neither the caller nor our timeout: the handler's connect timeout.
                return Unavailable($"no connection within {Format(Options.ConnectTimeout)}", model, ex);
            case HttpRequestException or IOException:
                return new LlmTransientException(
                    $"The connection to {DisplayName} at {BaseUrl} failed during the request{ForModel(model)}: {ex.Message}. This may pass; the step's retry policy can try again.",
                    Provider, BaseUrl, model, statusCode: null, ex);
            default:
                return ex;
        }
    }

    public LlmUnavailableException Unavailable(string reason, string? model, Exception? inner) => new(
        $"Cannot reach {DisplayName} at {BaseUrl} ({reason}). {Profile.UnavailableHint}",
        Provider, BaseUrl, model, inner);

    public async Task<LlmException> FailureFromResponseAsync(HttpResponseMessage response, RequestLease lease, string? model)
    {
        string? body = null;
        try
        {
            body = await response.Content.ReadAsStringAsync(lease.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status says enough.
        }
        return FailureFromStatus((int)response.StatusCode, body, model);
    }

    public LlmException FailureFromStatus(int status, string? body, string? model)
    {
        var text = ErrorBody.Text(body);
        return status switch
        {
            404 when model is not null => new LlmModelNotFoundException(
                $"{Capitalized} at {BaseUrl} has no model '{model}' (HTTP 404: {text}). {Profile.ModelNotFoundHint(model)}",
                Provider, BaseUrl, model),
            401 or 403 => new LlmRequestException(
                $"{Capitalized} at {BaseUrl} refused the request{ForModel(model)} (HTTP {status}: {text}). {Profile.AuthHint}",
                Provider, BaseUrl, model, status),
            408 or 429 or >= 500 => new LlmTransientException(
                $"{Capitalized} at {BaseUrl} failed{ForModel(model)} with HTTP {status}: {text}. This may pass; the step's retry policy can try again.",
                Provider, BaseUrl, model, status),
            _ => new LlmRequestException(
                $"{Capitalized} at {BaseUrl} rejected the request{ForModel(model)} (HTTP {status}): {text}.",
                Provider, BaseUrl, model, status),
        };
    }

    /// <summary>The stream ended (cleanly or not) before the server said it was done: never a partial answer.</summary>
    public LlmTransientException Truncated(string? model, int chunks, string expected, Exception? inner = null) => new(
        $"The response stream from {DisplayName} at {BaseUrl}{ForModel(model)} ended after {chunks} chunk(s) without {expected}; the answer is incomplete and was discarded. " +
        "This may pass; the step's retry policy can try again.",
        Provider, BaseUrl, model, statusCode: null, inner);

    public LlmProtocolException Malformed(string? model, string what, Exception? inner = null) => new(
        $"{Capitalized} at {BaseUrl} sent a malformed response{ForModel(model)}: {what}. Is {BaseUrl} really {DisplayName}?",
        Provider, BaseUrl, model, inner);

    /// <summary>An error the server reported inside a successful response (e.g. a <c>{"error":…}</c> line mid-stream).</summary>
    public LlmTransientException ReportedError(string? model, string text) => new(
        $"{Capitalized} at {BaseUrl} reported an error{ForModel(model)}: {ErrorBody.Shorten(text)}. This may pass; the step's retry policy can try again.",
        Provider, BaseUrl, model);

    public void Dispose()
    {
        // Disposes our handlers only: a caller's HttpClient behind them stays theirs.
        Http.Dispose();
        _slots.Dispose();
    }

    private string DisplayName => Profile.DisplayName;
    private string Capitalized => string.Concat(char.ToUpperInvariant(DisplayName[0]).ToString(), DisplayName.AsSpan(1));

    private static string ForModel(string? model) => model is null ? "" : $" for model '{model}'";

    private static string Reason(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "unknown host",
                    SocketError.TimedOut => "connect timed out",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                    _ => socket.Message,
                };
            }
        }
        return ex.Message;
    }

    private static string Format(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.###} s" : $"{t.TotalMilliseconds:0} ms";

    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/", UriKind.Absolute);
}
