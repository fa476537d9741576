namespace LlmSpell.Llm;

/// <summary>The server could not be reached at all (connection refused, unknown host, connect timeout).</summary>
public sealed class LlmUnavailableException(string message, string provider, Uri endpoint, string? model = null, Exception? innerException = null)
    : LlmTransientException(message, provider, endpoint, model, statusCode: null, innerException);
