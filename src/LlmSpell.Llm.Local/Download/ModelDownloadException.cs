namespace LlmSpell.Llm.Local.Download;

/// <summary>A model file could not be downloaded or failed verification; the message says what, from where, and what to do.</summary>
public sealed class ModelDownloadException(string message, Uri url, string model, int? statusCode = null, Exception? innerException = null)
    : LlmException(message, LlmProviderOptions.LocalProvider, url, model, innerException)
{
    /// <summary>The HTTP status the server answered, when the failure was one.</summary>
    public int? StatusCode { get; } = statusCode;
}
