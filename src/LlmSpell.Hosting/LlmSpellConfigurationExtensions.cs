using Microsoft.Extensions.Configuration;

namespace LlmSpell.Hosting;

/// <summary>The configuration sources of an LlmSpell host, in the order they override each other.</summary>
public static class LlmSpellConfigurationExtensions
{
    /// <summary>
    /// Adds <paramref name="jsonPath"/> (optional file; default <c>config/appsettings.json</c>), then environment
    /// variables (<c>LLMSPELL__DataDirectory</c> sets <c>LlmSpell:DataDirectory</c>), then <paramref name="args"/>
    /// (<c>--LlmSpell:Journal=None</c>): each overrides the ones before.
    /// </summary>
    public static IConfigurationBuilder AddLlmSpellConfiguration(this IConfigurationBuilder builder, string[]? args = null, string? jsonPath = null)
    {
        builder.AddJsonFile(Path.GetFullPath(jsonPath ?? Path.Combine("config", "appsettings.json")), optional: true, reloadOnChange: false);
        // Only LLMSPELL__ variables, keeping the prefix as the section (AddEnvironmentVariables(prefix) would strip it).
        builder.AddInMemoryCollection(Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(k => k.StartsWith("LLMSPELL__", StringComparison.OrdinalIgnoreCase))
            .Select(k => KeyValuePair.Create(LlmSpellConfiguration.SectionName + ":" + k["LLMSPELL__".Length..].Replace("__", ":", StringComparison.Ordinal),
                Environment.GetEnvironmentVariable(k)))
            .ToArray());
        if (args is { Length: > 0 }) builder.AddCommandLine(args);
        return builder;
    }
}
