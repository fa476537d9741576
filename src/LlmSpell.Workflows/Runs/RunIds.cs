namespace LlmSpell.Workflows.Runs;

/// <summary>Names derived from run ids: actor names, persistence ids, file names.</summary>
internal static class RunIds
{
    /// <summary>The prefix of every run's persistence id.</summary>
    public const string PersistencePrefix = "run-";

    public static string PersistenceId(string runId) => PersistencePrefix + runId;

    /// <summary>
    /// <c>run-&lt;id&gt;</c> with every character but ASCII letters, digits, '-', '_' and '.' replaced: valid as an actor name and a
    /// file name. Ids that differ only in replaced characters ("a/b", "a_b") get a stable hash suffix, so names never collide.
    /// </summary>
    public static string SafeName(string runId)
    {
        var chars = runId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var name = "run-" + new string(chars);
        return chars.AsSpan().SequenceEqual(runId) ? name : $"{name}-{StableHash(runId):x8}";
    }

    // FNV-1a: stable across processes (string.GetHashCode is randomised per process).
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
