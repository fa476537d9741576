namespace LlmSpell.Cli.Configuration;

/// <summary>Where llmspell keeps its data: <c>--data-dir</c>, else <c>LLMSPELL_DATA_DIR</c>, else the config's <c>data_dir</c>, else the platform's default.</summary>
public static class DataDirectory
{
    public const string EnvironmentVariable = "LLMSPELL_DATA_DIR";

    public static string Resolve(string? option, CliConfig config, Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        if ((environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable) is { Length: > 0 } fromEnv) return Path.GetFullPath(fromEnv);
        if (config.DataDirectory is { } configured) return configured;
        // ~/.local/share/llmspell on Linux (XDG_DATA_HOME when set), %LOCALAPPDATA%\llmspell on Windows.
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (string.IsNullOrEmpty(local)) local = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(local, "llmspell");
    }

    /// <summary>The directory file-write writes into when no workspace is configured.</summary>
    public static string Workspace(string dataDirectory) => Path.Combine(dataDirectory, "workspace");
}
