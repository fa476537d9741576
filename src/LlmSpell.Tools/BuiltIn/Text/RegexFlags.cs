using System.Text.RegularExpressions;

namespace LlmSpell.Tools.BuiltIn.Text;

/// <summary>Regular-expression flags as letters (i, m, s, x, n) and compilation with a match timeout.</summary>
internal static class RegexFlags
{
    public const string Letters = "imsxn";

    public static Regex Compile(ToolArguments arguments, string patternParameter, string flagsParameter, TimeSpan timeout)
    {
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in arguments.OptionalString(flagsParameter) ?? "")
        {
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'n' => RegexOptions.ExplicitCapture,
                _ => throw arguments.Invalid(flagsParameter, "flags", $"has the unknown flag '{flag}'; use i (ignore case), m (multiline), s (dot matches newline), x (ignore whitespace), n (explicit capture)"),
            };
        }
        try
        {
            return new Regex(arguments.String(patternParameter), options, timeout);
        }
        catch (ArgumentException ex)
        {
            throw arguments.Invalid(patternParameter, "syntax", $"is not a valid regular expression: {ex.Message}", inner: ex);
        }
    }
}
