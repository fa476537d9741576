namespace LlmSpell.Llm;

/// <summary>The server rejected the request (a 4xx other than 404/408/429, or an error it reported); retrying the same request will not help.</summary>
public sealed class LlmRequestException(string message, string provider, Uri? endpoint, string? model, int? statusCode, Exception? innerException = null)
    : LlmException(message, provider, endpoint, model, innerException)
{
    public int? StatusCode { get; } = statusCode;
}
