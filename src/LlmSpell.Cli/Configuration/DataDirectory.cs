using LlmSpell.Llm;

namespace LlmSpell.Cli.Configuration;

/// <summary>
/// Where llmspell keeps its data: <c>--data-dir</c>, else <c>LLMSPELL_DATA_DIR</c>, else the config's <c>data_dir</c>, else
/// the platform's data home — the one rule hosts follow too (<see cref="DataHome"/>).
/// </summary>
public static class DataDirectory
{
    public const string EnvironmentVariable = DataHome.EnvironmentVariable;

    public static DataHomeChoice Resolve(string? option, CliConfig config, Func<string, string?>? environment = null) =>
        DataHome.Resolve(option, config.DataDirectory, environment);

    /// <summary>The directory file-write writes into when no workspace is configured.</summary>
    public static string Workspace(string dataDirectory) => Path.Combine(dataDirectory, "workspace");
}
