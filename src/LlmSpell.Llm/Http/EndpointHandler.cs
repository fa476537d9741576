using System.Text.Json;

namespace LlmSpell.Llm.Http;

/// <summary>
/// The HTTP pipeline under the libraries' clients (OllamaSharp, the OpenAI SDK): turns an error status into the typed
/// <see cref="LlmException"/> that names the server, the model and the fix; refuses a JSON answer cut short; and guards
/// NDJSON streams (see <see cref="NdjsonGuardStream"/>). Logs URLs and models only, never headers or bodies.
/// </summary>
internal sealed class EndpointHandler(LlmEndpoint endpoint, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = EndpointCall.Current;
        LlmLog.Sending(endpoint.Logger, endpoint.Provider, request.Method.Method, request.RequestUri!, call?.Model);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                string? body = null;
                try
                {
                    body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    // The status says enough.
                }
                throw endpoint.FailureFromStatus((int)response.StatusCode, body, call?.Model);
            }
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "application/x-ndjson")
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var guard = new NdjsonGuardStream(stream, endpoint, call?.Model, call?.Token ?? CancellationToken.None, call?.ReportedError);
            response.Content = new GuardedContent(guard, response.Content.Headers.ContentType);
        }
        else if (mediaType == "application/json")
        {
            // A whole answer: read it here, so that one cut short is told apart from one that is not JSON at all.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (IsIncompleteJson(bytes)) throw endpoint.Truncated(call?.Model, 0, "the end of the JSON answer");
        }
        return response;
    }

    /// <summary>Whether the bytes are the valid start of a JSON document that stops early (a cut connection, not garbage).</summary>
    internal static bool IsIncompleteJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return false;
        }
        // Trailing whitespace after a whole document is not a cut.
        return reader.CurrentDepth > 0 || reader.TokenType == JsonTokenType.None || !bytes[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty;
    }

    /// <summary>The guarded body: hands out the guard itself (no copy, no further wrapper).</summary>
    private sealed class GuardedContent : HttpContent
    {
        private readonly NdjsonGuardStream _guard;

        public GuardedContent(NdjsonGuardStream guard, System.Net.Http.Headers.MediaTypeHeaderValue? contentType)
        {
            _guard = guard;
            Headers.ContentType = contentType;
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(_guard);

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => _guard;

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _guard.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _guard.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A handler that sends through an HttpClient the caller owns (its handlers stay in place; ours go in front).</summary>
    internal sealed class Forwarding(HttpClient client) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
