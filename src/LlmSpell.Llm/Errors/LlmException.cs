namespace LlmSpell.Llm;

/// <summary>A call to an LLM server failed; the message says what, where (provider, URL, model) and what to do.</summary>
public abstract class LlmException : Exception
{
    protected LlmException(string message, string provider, Uri? endpoint = null, string? model = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        Endpoint = endpoint;
        Model = model;
    }

    /// <summary>The provider name (<c>ollama</c>, <c>openai</c>, …).</summary>
    public string Provider { get; }

    /// <summary>The server's base URL, when the failure concerns one.</summary>
    public Uri? Endpoint { get; }

    public string? Model { get; }

    /// <summary>Whether trying again later may succeed (5xx, resets, timeouts, a server not up yet).</summary>
    public virtual bool IsTransient => false;
}
