using System.Collections.Concurrent;
using System.Data.Common;

namespace LlmSpell.Hosting.Logging;

/// <summary>The secret values (API keys, database passwords) that logs must never show; masked as <c>***</c>.</summary>
public sealed class LlmSpellSecrets
{
    public const string Mask = "***";

    // Short values would mask ordinary words; no real key or password worth hiding is this short.
    private const int MinimumLength = 4;

    private readonly ConcurrentDictionary<string, byte> _values = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Values => (IReadOnlyCollection<string>)_values.Keys;

    public void Add(string? secret)
    {
        if (secret is { Length: >= MinimumLength }) _values.TryAdd(secret, 0);
    }

    /// <summary>Adds the password of <paramref name="connectionString"/>, if it has one.</summary>
    public void AddConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return;
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "Password", "Pwd" })
                if (builder.TryGetValue(key, out var value)) Add(value?.ToString());
        }
        catch (ArgumentException)
        {
            // Not parseable: the whole string is the secret.
            Add(connectionString);
        }
    }

    /// <summary>Adds every secret of <paramref name="options"/>.</summary>
    public void AddFrom(LlmSpellOptions options)
    {
        foreach (var endpoint in options.Llm.Endpoints.Values) Add(endpoint.ApiKey);
        AddConnectionString(options.PostgresConnectionString);
    }

    public string Redact(string text)
    {
        if (_values.IsEmpty || string.IsNullOrEmpty(text)) return text;
        foreach (var secret in _values.Keys.OrderByDescending(s => s.Length))
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    public bool Contains(string text) => _values.Keys.Any(s => text.Contains(s, StringComparison.Ordinal));
}
