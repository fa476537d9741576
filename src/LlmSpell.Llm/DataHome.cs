namespace LlmSpell.Llm;

/// <summary>Where a data directory came from and, when it is the old location, what to tell the user.</summary>
/// <param name="Path">The directory (absolute).</param>
/// <param name="Note">Null, or a one-line note: the data was found in the old location and how to move it.</param>
public sealed record DataHomeChoice(string Path, string? Note);

/// <summary>
/// The one home of llmspell's data (run journal, tool workspace, local models) for the CLI and for hosts alike: given,
/// else <c>$LLMSPELL_DATA_DIR</c>, else configured, else the platform's: <c>$XDG_DATA_HOME/llmspell</c> (by default
/// <c>~/.local/share/llmspell</c>) on Linux, <c>~/Library/Application Support/llmspell</c> on macOS,
/// <c>%LOCALAPPDATA%\llmspell</c> on Windows. The old <c>~/.llmspell</c> is still read when it exists and the new
/// home does not yet, with a note saying how to move it.
/// </summary>
public static class DataHome
{
    public const string EnvironmentVariable = "LLMSPELL_DATA_DIR";

    /// <summary>The platform's data home for llmspell (no variable or setting consulted but XDG_DATA_HOME).</summary>
    public static string Platform(Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS())
        {
            // The XDG base directory spec: a relative XDG_DATA_HOME is invalid and ignored.
            var xdg = env("XDG_DATA_HOME");
            var root = !string.IsNullOrWhiteSpace(xdg) && System.IO.Path.IsPathRooted(xdg) ? xdg : System.IO.Path.Combine(Home(env), ".local", "share");
            return System.IO.Path.Combine(root, "llmspell");
        }
        return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "llmspell");
    }

    /// <summary>The data home of versions before this one: <c>~/.llmspell</c>.</summary>
    public static string Legacy(Func<string, string?>? environment = null) => System.IO.Path.Combine(Home(environment ?? Environment.GetEnvironmentVariable), ".llmspell");

    /// <summary>
    /// The data directory: <paramref name="given"/> (a command-line option), else <see cref="EnvironmentVariable"/>, else
    /// <paramref name="configured"/> (a config file's setting), else <see cref="Platform"/> — or the old
    /// <see cref="Legacy"/> directory while it holds data and the platform's does not exist yet.
    /// </summary>
    public static DataHomeChoice Resolve(string? given = null, string? configured = null, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(given)) return new(System.IO.Path.GetFullPath(given), null);
        if (env(EnvironmentVariable) is { Length: > 0 } fromEnv) return new(System.IO.Path.GetFullPath(fromEnv), null);
        if (!string.IsNullOrWhiteSpace(configured)) return new(System.IO.Path.GetFullPath(configured), null);
        var platform = Platform(env);
        var legacy = Legacy(env);
        if (!Directory.Exists(platform) && Directory.Exists(legacy) && Directory.EnumerateFileSystemEntries(legacy).Any())
            return new(legacy, $"using {legacy}, the old data directory; move it to {platform} (mv {legacy} {platform}) or keep it with --data-dir or {EnvironmentVariable}");
        return new(platform, null);
    }

    /// <summary>
    /// The folder of local models: <c>models</c> in <paramref name="dataDirectory"/>, or the old <c>~/.llmspell/models</c>
    /// while it exists and the new one does not (with a note).
    /// </summary>
    public static DataHomeChoice Models(string dataDirectory, Func<string, string?>? environment = null)
    {
        var models = System.IO.Path.Combine(dataDirectory, "models");
        var legacy = System.IO.Path.Combine(Legacy(environment ?? Environment.GetEnvironmentVariable), "models");
        if (!Directory.Exists(models) && Directory.Exists(legacy) && !string.Equals(System.IO.Path.GetFullPath(legacy), System.IO.Path.GetFullPath(models), StringComparison.Ordinal))
            return new(legacy, $"using {legacy}, the old models folder; move it to {models} (mv {legacy} {models})");
        return new(models, null);
    }

    private static string Home(Func<string, string?> env) =>
        env("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
