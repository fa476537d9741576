namespace LlmSpell.Tools;

/// <summary>Conveniences over any <see cref="IToolRegistry"/>.</summary>
public static class ToolRegistryExtensions
{
    /// <summary>The registered tools' names, sorted, for error messages ("Available tools: …").</summary>
    public static IReadOnlyList<string> Names(this IToolRegistry registry) =>
        registry.All.Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>"a, b, c", or "none".</summary>
    public static string DescribeAvailable(this IToolRegistry registry) =>
        registry.All.Count == 0 ? "none" : string.Join(", ", registry.Names());
}
