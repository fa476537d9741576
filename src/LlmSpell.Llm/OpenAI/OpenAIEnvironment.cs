namespace LlmSpell.Llm.OpenAI;

/// <summary>Where an OpenAI-compatible endpoint is and which key it gets: options first, then <c>OPENAI_BASE_URL</c>/<c>OPENAI_API_KEY</c>.</summary>
public static class OpenAIEnvironment
{
    public const string BaseUrlVariable = "OPENAI_BASE_URL";
    public const string ApiKeyVariable = "OPENAI_API_KEY";
    public static readonly Uri DefaultUrl = new("https://api.openai.com/v1/");

    /// <summary>Sent to servers that need no key (vLLM, llama.cpp server, LM Studio), which still expect the header.</summary>
    public const string PlaceholderKey = "sk-no-key-required";

    /// <summary>
    /// The base URL and API key of endpoint <paramref name="provider"/>. Only the built-in <c>openai</c> provider reads
    /// the environment; other OpenAI-compatible endpoints must be configured. api.openai.com without a key is an error;
    /// any other server gets <see cref="PlaceholderKey"/>.
    /// </summary>
    public static (Uri BaseUrl, string ApiKey) Resolve(string provider, LlmEndpointOptions options, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var builtIn = string.Equals(provider, LlmProviderOptions.OpenAIProvider, StringComparison.OrdinalIgnoreCase);
        var baseUrl = options.BaseUrl;
        if (baseUrl is null && builtIn && env(BaseUrlVariable) is { Length: > 0 } fromEnv)
        {
            if (!Uri.TryCreate(fromEnv.Trim(), UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                throw new LlmConfigurationException(
                    $"{BaseUrlVariable} is '{fromEnv}', which is not an http:// or https:// URL; set it like 'http://127.0.0.1:8000/v1'.", provider);
        }
        baseUrl ??= builtIn
            ? DefaultUrl
            : throw new LlmConfigurationException(
                $"Endpoint '{provider}' has no BaseUrl; set it to the server's OpenAI API root, e.g. 'http://127.0.0.1:8000/v1' (vLLM) or 'http://127.0.0.1:1234/v1' (LM Studio).",
                provider);

        var key = options.ApiKey ?? (builtIn ? env(ApiKeyVariable) : null);
        if (string.IsNullOrWhiteSpace(key))
        {
            if (IsOpenAI(baseUrl))
                throw new LlmConfigurationException(
                    $"No API key for the OpenAI API at {baseUrl}: set {ApiKeyVariable} (or the '{provider}' endpoint's ApiKey). " +
                    $"For a local OpenAI-compatible server (vLLM, llama.cpp server, LM Studio), set {BaseUrlVariable} to it instead; those need no key.",
                    provider, baseUrl);
            key = PlaceholderKey;
        }
        return (baseUrl, key.Trim());
    }

    public static bool IsOpenAI(Uri baseUrl) =>
        baseUrl.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase) || baseUrl.Host.EndsWith(".openai.com", StringComparison.OrdinalIgnoreCase);
}
