using System.Text;

namespace LlmSpell.Llm;

/// <summary>One LLM server: where it is, how to authenticate, and how hard it may be used.</summary>
public sealed record LlmEndpointOptions
{
    // Every default of the LLM layer lives here.
    public const int DefaultMaxConcurrency = 4;
    public const int DefaultMaxRetries = 0;
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>An Ollama endpoint with every default (base URL from <c>OLLAMA_HOST</c>, else http://127.0.0.1:11434).</summary>
    public static readonly LlmEndpointOptions Ollama = new() { Kind = LlmProviderKind.Ollama };

    /// <summary>An OpenAI-compatible endpoint with every default (<c>OPENAI_BASE_URL</c>/<c>OPENAI_API_KEY</c>, else api.openai.com).</summary>
    public static readonly LlmEndpointOptions OpenAI = new() { Kind = LlmProviderKind.OpenAICompatible };

    public LlmProviderKind Kind { get; init; } = LlmProviderKind.Ollama;

    /// <summary>Null: from the environment for the built-in providers, else the provider's default.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Null: <c>OPENAI_API_KEY</c> for the built-in <c>openai</c> provider. Never logged or printed.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Requests in flight at once on this endpoint; more wait their turn (parallel branches queue instead of overloading one server).</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>Longest one request may take once it has its slot (the caller's token still applies); <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>Longest a TCP connect may take before the server counts as unavailable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>
    /// Extra attempts for transient failures (5xx, resets, refused connections) before any answer arrived.
    /// Default 0: the workflow engine's step retry policy is where retries belong.
    /// </summary>
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>Delay before the first client-level retry; doubled for each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = DefaultRetryBackoff;

    /// <summary>
    /// Silence after which a call on this endpoint is reported as waiting (<c>stall_warning_s</c> of the endpoint); null: the
    /// caller's setting (the CLI's top-level <c>stall_warning_s</c>, default 30 s); <see cref="Timeout.InfiniteTimeSpan"/>: never.
    /// </summary>
    public TimeSpan? StallWarning { get; init; }

    /// <summary>Ollama only: <c>keep_alive</c> sent with each request (e.g. "10m", "-1"); null: the server's default.</summary>
    public string? KeepAlive { get; init; }

    public LlmEndpointOptions WithBaseUrl(Uri? baseUrl) => this with { BaseUrl = baseUrl };
    public LlmEndpointOptions WithBaseUrl(string baseUrl) => this with { BaseUrl = new Uri(baseUrl, UriKind.Absolute) };
    public LlmEndpointOptions WithApiKey(string? apiKey) => this with { ApiKey = apiKey };
    public LlmEndpointOptions WithKeepAlive(string? keepAlive) => this with { KeepAlive = keepAlive };

    public LlmEndpointOptions WithStallWarning(TimeSpan? after) => after is null || after > TimeSpan.Zero || after == Timeout.InfiniteTimeSpan
        ? this with { StallWarning = after }
        : throw new ArgumentOutOfRangeException(nameof(after), after, "StallWarning must be positive (or Timeout.InfiniteTimeSpan, or null for the caller's).");

    public LlmEndpointOptions WithMaxConcurrency(int maxConcurrency) => maxConcurrency >= 1
        ? this with { MaxConcurrency = maxConcurrency }
        : throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "MaxConcurrency must be at least 1.");

    public LlmEndpointOptions WithRequestTimeout(TimeSpan timeout) => timeout > TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan
        ? this with { RequestTimeout = timeout }
        : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "RequestTimeout must be positive (or Timeout.InfiniteTimeSpan).");

    public LlmEndpointOptions WithConnectTimeout(TimeSpan timeout) => timeout > TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan
        ? this with { ConnectTimeout = timeout }
        : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "ConnectTimeout must be positive (or Timeout.InfiniteTimeSpan).");

    public LlmEndpointOptions WithMaxRetries(int maxRetries, TimeSpan? backoff = null) => maxRetries >= 0
        ? this with { MaxRetries = maxRetries, RetryBackoff = backoff ?? RetryBackoff }
        : throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "MaxRetries must not be negative.");

    /// <summary>Throws when a value is out of range (options built with object initialisers skip the With… checks).</summary>
    public LlmEndpointOptions Validate(string provider)
    {
        if (MaxConcurrency < 1) throw new LlmConfigurationException($"Endpoint '{provider}': MaxConcurrency is {MaxConcurrency}; it must be at least 1.", provider);
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
            throw new LlmConfigurationException($"Endpoint '{provider}': RequestTimeout is {RequestTimeout}; it must be positive.", provider);
        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
            throw new LlmConfigurationException($"Endpoint '{provider}': ConnectTimeout is {ConnectTimeout}; it must be positive.", provider);
        if (StallWarning is { } stall && stall <= TimeSpan.Zero && stall != Timeout.InfiniteTimeSpan)
            throw new LlmConfigurationException($"Endpoint '{provider}': StallWarning is {stall}; it must be positive.", provider);
        if (MaxRetries < 0) throw new LlmConfigurationException($"Endpoint '{provider}': MaxRetries is {MaxRetries}; it must not be negative.", provider);
        if (BaseUrl is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
            throw new LlmConfigurationException($"Endpoint '{provider}': BaseUrl '{BaseUrl}' must be an absolute http:// or https:// URL.", provider);
        return this;
    }

    // Records print every property; the API key must never reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Kind = ").Append(Kind)
            .Append(", BaseUrl = ").Append(BaseUrl?.ToString() ?? "(default)")
            .Append(", ApiKey = ").Append(ApiKey is null ? "(none)" : "***")
            .Append(", MaxConcurrency = ").Append(MaxConcurrency)
            .Append(", RequestTimeout = ").Append(RequestTimeout)
            .Append(", ConnectTimeout = ").Append(ConnectTimeout)
            .Append(", MaxRetries = ").Append(MaxRetries)
            .Append(", RetryBackoff = ").Append(RetryBackoff)
            .Append(", StallWarning = ").Append(StallWarning?.ToString() ?? "(caller's)")
            .Append(", KeepAlive = ").Append(KeepAlive ?? "(default)");
        return true;
    }
}
