namespace LlmSpell.Tools;

/// <summary>Limits and permissions of the built-in tools. Immutable; every default lives here.</summary>
public sealed record ToolsOptions
{
    public const long OneMebibyte = 1024 * 1024;

    public static ToolsOptions Default { get; } = new();

    /// <summary>The directory file tools are confined to; null: the run's workspace (<see cref="ToolContext.WorkspaceDirectory"/>).</summary>
    public string? WorkspaceDirectory { get; init; }

    /// <summary>The largest file <c>file-read</c> reads or <c>file-write</c> writes.</summary>
    public long MaxFileBytes { get; init; } = OneMebibyte;

    /// <summary>The most of a response body <c>http-request</c> keeps; the rest is cut and the result says so.</summary>
    public long MaxResponseBytes { get; init; } = OneMebibyte;

    /// <summary>The longest an HTTP request may take (a step may ask for less, never more).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Hosts <c>http-request</c> may reach (<c>api.example.com</c>, <c>*.example.com</c>); empty: any public host.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Allow private (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10) and link-local (169.254/16, fe80::/10) addresses.</summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>Allow loopback addresses (127/8, ::1, 0.0.0.0) — this machine's own services.</summary>
    public bool AllowLoopback { get; init; }

    /// <summary>How many redirects <c>http-request</c> follows (each target is checked like the first URL).</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>The longest one regular-expression match may run (<c>regex-extract</c>, <c>text-split</c>).</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The most entries <c>file-list</c> returns, and matches <c>regex-extract</c>/<c>json-query</c> return.</summary>
    public int MaxResults { get; init; } = 1000;

    /// <summary>The clock of <c>datetime</c> (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ToolsOptions WithWorkspaceDirectory(string? directory) => this with { WorkspaceDirectory = directory };

    public ToolsOptions WithMaxFileBytes(long bytes) => this with { MaxFileBytes = Positive(bytes, nameof(MaxFileBytes)) };

    public ToolsOptions WithMaxResponseBytes(long bytes) => this with { MaxResponseBytes = Positive(bytes, nameof(MaxResponseBytes)) };

    public ToolsOptions WithHttpTimeout(TimeSpan timeout) => this with { HttpTimeout = Positive(timeout, nameof(HttpTimeout)) };

    public ToolsOptions WithAllowedHosts(params IEnumerable<string> hosts) => this with { AllowedHosts = hosts.ToArray() };

    public ToolsOptions WithAllowPrivateNetworks(bool allow = true) => this with { AllowPrivateNetworks = allow };

    public ToolsOptions WithAllowLoopback(bool allow = true) => this with { AllowLoopback = allow };

    public ToolsOptions WithMaxRedirects(int redirects) =>
        this with { MaxRedirects = redirects >= 0 ? redirects : throw new ArgumentOutOfRangeException(nameof(redirects), redirects, "MaxRedirects must be 0 or more.") };

    public ToolsOptions WithRegexTimeout(TimeSpan timeout) => this with { RegexTimeout = Positive(timeout, nameof(RegexTimeout)) };

    public ToolsOptions WithMaxResults(int results) => this with { MaxResults = (int)Positive(results, nameof(MaxResults)) };

    public ToolsOptions WithTimeProvider(TimeProvider clock) => this with { TimeProvider = clock ?? throw new ArgumentNullException(nameof(clock)) };

    /// <summary>Throws when a value set through an initializer is out of range (the With… methods check as they go).</summary>
    public ToolsOptions Validated()
    {
        Positive(MaxFileBytes, nameof(MaxFileBytes));
        Positive(MaxResponseBytes, nameof(MaxResponseBytes));
        Positive(HttpTimeout, nameof(HttpTimeout));
        Positive(RegexTimeout, nameof(RegexTimeout));
        Positive(MaxResults, nameof(MaxResults));
        if (MaxRedirects < 0) throw new ArgumentOutOfRangeException(nameof(MaxRedirects), MaxRedirects, "MaxRedirects must be 0 or more.");
        ArgumentNullException.ThrowIfNull(AllowedHosts);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        return this;
    }

    private static long Positive(long value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"ToolsOptions.{name} must be positive.");

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, $"ToolsOptions.{name} must be positive.");
}
