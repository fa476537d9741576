namespace LlmSpell.Llm;

/// <summary>The server does not have the requested model (HTTP 404); the message says how to get it.</summary>
public sealed class LlmModelNotFoundException(string message, string provider, Uri endpoint, string model, Exception? innerException = null)
    : LlmException(message, provider, endpoint, model, innerException);
