namespace LlmSpell.Llm;

/// <summary>A request ran past the endpoint's request timeout (not the caller's cancellation, which stays an <see cref="OperationCanceledException"/>).</summary>
public sealed class LlmTimeoutException(string message, string provider, Uri endpoint, string? model, TimeSpan timeout, Exception? innerException = null)
    : LlmTransientException(message, provider, endpoint, model, statusCode: null, innerException)
{
    public TimeSpan Timeout { get; } = timeout;
}
