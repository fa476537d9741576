using System.Text.RegularExpressions;

namespace LlmSpell.Tools;

/// <summary>The rules for tool names, aliases and descriptions.</summary>
public static partial class ToolNames
{
    /// <summary>A letter, then up to 63 letters, digits, '-' or '_': what function-calling APIs accept as a function name.</summary>
    public const string Pattern = "^[A-Za-z][A-Za-z0-9_-]{0,63}$";

    public static bool IsValid(string? name) => name is not null && NameRegex().IsMatch(name);

    internal static void EnsureValid(string tool, string name, string what)
    {
        if (!IsValid(name))
            throw new ToolRegistrationException(tool,
                $"Tool '{tool}': the {what} '{name}' is not valid; use a letter, then up to 63 letters, digits, '-' or '_' (e.g. 'file-read').");
    }

    internal static void EnsureValidDescription(string tool, string? description)
    {
        if (string.IsNullOrWhiteSpace(description) || description.Contains('\n') || description.Contains('\r'))
            throw new ToolRegistrationException(tool, $"Tool '{tool}': the description must be one non-empty line (it is shown to users and to models choosing a tool).");
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex NameRegex();
}
