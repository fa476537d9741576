using System.Globalization;

namespace LlmSpell.Templates.Reporting;

/// <summary>A count with its noun in the right number: "1 step", "2 steps", "1 branch", "3 branches".</summary>
public static class Counted
{
    /// <summary><paramref name="n"/> and <paramref name="noun"/>, made plural by "es" after s, x, z, ch and sh, else "s".</summary>
    public static string Of(long n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + Noun(n, noun);

    /// <summary>The noun alone in the number <paramref name="n"/> asks for.</summary>
    public static string Noun(long n, string noun)
    {
        if (n == 1) return noun;
        return noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith('z') || noun.EndsWith("ch", StringComparison.Ordinal) || noun.EndsWith("sh", StringComparison.Ordinal)
            ? noun + "es"
            : noun + "s";
    }
}
