using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Tools.Sandbox;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.BuiltIn.Http;

/// <summary>
/// <c>http-request</c>: an HTTP request to an allowed public host. Every connection goes through a connect callback that
/// resolves the host itself and connects only to addresses it checked, so DNS tricks (a public name that resolves to a
/// private address, or re-resolves differently later) cannot reach private, link-local or loopback addresses.
/// </summary>
public sealed class HttpRequestTool : Tool, IDisposable
{
    private const string ParametersJson = """
        {
          "type": "object",
          "properties": {
            "url": { "type": "string", "minLength": 1, "description": "An absolute http:// or https:// URL." },
            "method": { "type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], "default": "GET" },
            "headers": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Request headers, name to value." },
            "body": { "type": "string", "description": "The request body as text." },
            "json": { "description": "A JSON request body (sent as application/json); instead of body." },
            "timeoutSeconds": { "type": "number", "exclusiveMinimum": 0, "description": "At most the configured HTTP timeout." }
          },
          "required": ["url"],
          "additionalProperties": false
        }
        """;

    private const string OutputJson = """
        {
          "type": "object",
          "properties": {
            "status": { "type": "integer" },
            "ok": { "type": "boolean", "description": "True for 2xx statuses." },
            "url": { "type": "string", "description": "The URL that answered, after redirects." },
            "headers": { "type": "object", "additionalProperties": { "type": "string" } },
            "body": { "type": "string" },
            "json": { "description": "The body parsed, when the response is JSON and complete." },
            "truncated": { "type": "boolean", "description": "True when the body was cut at the response size cap." }
          },
          "required": ["status", "ok", "url", "headers", "body", "truncated"]
        }
        """;

    private static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie"];

    private readonly ToolsOptions _options;
    private readonly NetworkPolicy _policy;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly Func<IPAddress[], int, CancellationToken, ValueTask<Stream>> _connect;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;

    public HttpRequestTool(ToolsOptions options)
        : this(options, (host, ct) => Dns.GetHostAddressesAsync(host, ct))
    {
    }

    /// <summary>
    /// With a host-name resolver and a connector of the caller's: tests resolve names to chosen addresses, and connect
    /// only to loopback, so a broken check fails a test instead of sending traffic elsewhere.
    /// </summary>
    internal HttpRequestTool(
        ToolsOptions options,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        Func<IPAddress[], int, CancellationToken, ValueTask<Stream>>? connect = null)
        : base("http-request", "Sends an HTTP request to an allowed host and returns the status, headers and body.", ParametersJson, OutputJson)
    {
        _options = options.Validated();
        _policy = new NetworkPolicy(_options);
        _resolve = resolve;
        _connect = connect ?? ConnectSocketAsync;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // redirects are followed here, so each target is checked
            UseProxy = false,          // a proxy would connect on our behalf, past the address checks
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.HttpTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    protected override async Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var url = ParseUrl(arguments);
        var timeout = arguments.OptionalNumber("timeoutSeconds") is { } seconds
            ? TimeSpan.FromSeconds(Math.Min(seconds, _options.HttpTimeout.TotalSeconds))
            : _options.HttpTimeout;
        if (arguments.Has("body") && arguments.Has("json"))
            throw arguments.Invalid("json", "exclusive", "cannot be given together with 'body'; send one of them");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await SendAsync(arguments, url, context, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolExecutionException(Name, $"{arguments.String("method")} {url} did not finish within {timeout.TotalSeconds:0.###} s; raise timeoutSeconds (at most ToolsOptions.HttpTimeout).");
        }
        catch (HttpRequestException ex) when (Find<ToolAccessDeniedException>(ex) is { } denied)
        {
            throw denied;
        }
        catch (HttpRequestException ex)
        {
            throw new ToolExecutionException(Name, $"{arguments.String("method")} {url} failed: {ex.Message}", ex);
        }
    }

    private Uri ParseUrl(ToolArguments arguments)
    {
        var text = arguments.String("url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            throw arguments.Invalid("url", "format", "is not an absolute URL; use e.g. https://api.example.com/items");
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw arguments.Invalid("url", "scheme", $"uses the scheme '{url.Scheme}'; only http and https are allowed");
        return url;
    }

    private async Task<JsonNode?> SendAsync(ToolArguments arguments, Uri url, ToolContext context, CancellationToken cancellationToken)
    {
        var method = new HttpMethod(arguments.String("method"));
        var body = arguments.OptionalString("body");
        var json = arguments.Node("json");
        var headers = arguments.Object("headers") ?? [];
        for (var redirects = 0; ; redirects++)
        {
            CheckHost(url);
            using var request = BuildRequest(method, url, headers, body, json);
            context.Logger.LogHttpRequest(Name, method.Method, url);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (redirects >= _options.MaxRedirects)
                    throw new ToolExecutionException(Name, $"{url} redirected more than {_options.MaxRedirects} times (ToolsOptions.MaxRedirects).");
                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    throw new ToolAccessDeniedException(Name, next.ToString(), $"{url} redirected to the scheme '{next.Scheme}'; only http and https are allowed.");
                // As browsers do: 303 (and 301/302 after POST) turn into a GET without a body.
                if (response.StatusCode == HttpStatusCode.SeeOther
                    || (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found && method == HttpMethod.Post))
                {
                    method = HttpMethod.Get;
                    body = null;
                    json = null;
                }
                // Credentials are for the origin they were written for, not for wherever it redirects.
                if (!SameOrigin(url, next)) headers = WithoutCredentials(headers);
                url = next;
                continue;
            }
            return await ReadResponseAsync(response, url, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckHost(Uri url)
    {
        if (!_policy.IsHostAllowed(url.IdnHost))
            throw new ToolAccessDeniedException(Name, url.ToString(),
                $"the host '{url.IdnHost}' is not in ToolsOptions.AllowedHosts ({string.Join(", ", _options.AllowedHosts)}); add it there to allow it.");
    }

    private static HttpRequestMessage BuildRequest(HttpMethod method, Uri url, JsonObject headers, string? body, JsonNode? json)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8);
        else if (json is not null) request.Content = new StringContent(JsonValues.ToText(json), Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers)
        {
            var text = value!.GetValue<string>();
            if (request.Headers.TryAddWithoutValidation(name, text)) continue;
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, text);
        }
        return request;
    }

    private async Task<JsonNode> ReadResponseAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var room = limit - buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, (int)room);
                truncated = true;
                break;
            }
            buffer.Write(chunk, 0, read);
        }

        var contentType = response.Content.Headers.ContentType;
        var text = EncodingOf(contentType).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var result = new JsonObject
        {
            ["status"] = (int)response.StatusCode,
            ["ok"] = response.IsSuccessStatusCode,
            ["url"] = url.ToString(),
            ["headers"] = Headers(response),
            ["body"] = text,
            ["truncated"] = truncated,
        };
        if (!truncated && IsJson(contentType) && text.Length > 0)
        {
            try
            {
                result["json"] = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all: the body is still there as text.
            }
        }
        return result;
    }

    private static JsonObject Headers(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        return headers;
    }

    private static Encoding EncodingOf(MediaTypeHeaderValue? contentType)
    {
        try
        {
            return contentType?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media && (media == "application/json" || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static JsonObject WithoutCredentials(JsonObject headers)
    {
        var kept = new JsonObject();
        foreach (var (name, value) in headers)
            if (!CredentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)) kept[name] = value?.DeepClone();
        return kept;
    }

    /// <summary>Resolves the host here and connects only to addresses that passed the policy.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var host = endpoint.Host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0) throw new HttpRequestException($"the host '{host}' has no addresses.");
        }

        // Every address must pass: a name with one public and one private record is refused outright.
        foreach (var address in addresses)
        {
            if (_policy.WhyRefused(address) is { } why)
                throw new HttpRequestException(why, new ToolAccessDeniedException(Name, $"{host}:{endpoint.Port}", why + "."));
        }

        return await _connect(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects to one of the checked addresses: never to whatever a second lookup would return.</summary>
    private static async ValueTask<Stream> ConnectSocketAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T match) return match;
        return null;
    }
}
