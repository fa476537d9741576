namespace LlmSpell.Llm.Ollama;

// Raw completions: /api/generate.
public sealed partial class OllamaClient
{
    /// <summary>A completion in one answer (<c>stream:false</c>).</summary>
    public async Task<OllamaGenerateResponse> GenerateAsync(OllamaGenerateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(request with { Stream = false, KeepAlive = request.KeepAlive ?? DefaultKeepAlive }, OllamaJson.Default.OllamaGenerateRequest);
        var answer = await PostAsync("api/generate", body, OllamaJson.Default.OllamaGenerateResponse, request.Model, limited: true, cancellationToken)
            .ConfigureAwait(false);
        if (answer.Error is { } error) throw _endpoint.ReportedError(request.Model, error);
        if (!answer.Done) throw _endpoint.Malformed(request.Model, "the non-streamed answer has \"done\": false");
        return answer;
    }

    /// <summary>A completion as it is generated; the last chunk has <c>Done</c> and the token counts.</summary>
    public IAsyncEnumerable<OllamaGenerateResponse> GenerateStreamingAsync(OllamaGenerateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(request with { Stream = true, KeepAlive = request.KeepAlive ?? DefaultKeepAlive }, OllamaJson.Default.OllamaGenerateRequest);
        return StreamAsync("api/generate", body, OllamaJson.Default.OllamaGenerateResponse, request.Model, r => r.Done,
            r => r.Error is { } e ? _endpoint.ReportedError(request.Model, e) : null, "a final \"done\": true line",
            limited: true, timed: true, cancellationToken);
    }
}
