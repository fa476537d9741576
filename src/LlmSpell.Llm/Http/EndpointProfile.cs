namespace LlmSpell.Llm.Http;

/// <summary>How errors of one kind of server read: its name and what to tell the user to do.</summary>
internal sealed record EndpointProfile(
    string Provider,
    string DisplayName,
    string UnavailableHint,
    Func<string, string> ModelNotFoundHint,
    string AuthHint)
{
    public static EndpointProfile Ollama(string provider) => new(
        provider,
        "Ollama",
        "Start it with `ollama serve`, or set OLLAMA_HOST (or the endpoint's BaseUrl) to where it listens.",
        model => $"Pull it with `ollama pull {model}`, or pick an installed model (`ollama list`).",
        "Ollama needs no API key; check any proxy in front of it.");

    public static EndpointProfile OpenAI(string provider) => new(
        provider,
        "the OpenAI-compatible server",
        "Start the server (vLLM, llama.cpp server, LM Studio), or set OPENAI_BASE_URL (or the endpoint's BaseUrl) to where it listens.",
        model => $"Check the model name; the server lists its models at GET /models (e.g. `curl $OPENAI_BASE_URL/models`).",
        "Set OPENAI_API_KEY (or the endpoint's ApiKey) to a valid key.");
}
