namespace LlmSpell.Llm;

/// <summary>The LLM layer is configured so that no call can succeed (unknown provider, missing API key, bad URL).</summary>
public sealed class LlmConfigurationException(string message, string provider, Uri? endpoint = null, Exception? innerException = null)
    : LlmException(message, provider, endpoint, model: null, innerException);
