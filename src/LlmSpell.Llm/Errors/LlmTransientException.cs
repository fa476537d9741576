namespace LlmSpell.Llm;

/// <summary>A failure that may pass: a 5xx or 429 answer, a reset connection, a stream cut short. Retrying may succeed.</summary>
public class LlmTransientException : LlmException
{
    public LlmTransientException(string message, string provider, Uri? endpoint = null, string? model = null, int? statusCode = null, Exception? innerException = null)
        : base(message, provider, endpoint, model, innerException) => StatusCode = statusCode;

    /// <summary>The HTTP status, when the server answered with one.</summary>
    public int? StatusCode { get; }

    public override bool IsTransient => true;
}
