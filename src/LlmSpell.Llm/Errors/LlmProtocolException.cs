namespace LlmSpell.Llm;

/// <summary>The server's answer was not in the expected format (an invalid JSON line, a missing field); no partial answer is returned.</summary>
public sealed class LlmProtocolException(string message, string provider, Uri endpoint, string? model, Exception? innerException = null)
    : LlmException(message, provider, endpoint, model, innerException);
