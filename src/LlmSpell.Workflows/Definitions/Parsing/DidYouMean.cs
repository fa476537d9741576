namespace LlmSpell.Workflows.Definitions.Parsing;

/// <summary>Suggests the known name closest to a misspelt one (keys, step names, workflow names, parameters, tools).</summary>
public static class DidYouMean
{
    /// <summary>The closest candidate, or null when none is close enough to be a likely typo.</summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        // Names are short; a huge value is no typo, and comparing it would cost its length times every candidate's.
        if (value.Length > MaxLength) return null;
        var normalized = Normalize(value);
        var lower = value.ToLowerInvariant();
        var allowed = value.Length <= 3 ? 1 : Math.Max(2, value.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // stepType, step-type and STEP_TYPE all mean step_type.
            if (Normalize(candidate) == normalized) return candidate;
            // The distance is at least the difference in length: no need to compute it for names that far apart.
            if (Math.Abs(candidate.Length - value.Length) > allowed) continue;
            var distance = Distance(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    private const int MaxLength = 100;

    /// <summary>"; did you mean 'x'?" or empty.</summary>
    public static string Hint(string value, IEnumerable<string> candidates) =>
        Closest(value, candidates) is { } match ? $"; did you mean '{match}'?" : "";

    /// <summary>"; did you mean 'x'?" or ".", to end a sentence either way.</summary>
    public static string Sentence(string value, IEnumerable<string> candidates) => Hint(value, candidates) is { Length: > 0 } hint ? hint : ".";

    private static string Normalize(string s) =>
        new(s.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("fecth" → "fetch" is 1).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
