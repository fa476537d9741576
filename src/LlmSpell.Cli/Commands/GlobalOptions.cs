using System.CommandLine;
using LlmSpell.Cli.Runtime;

namespace LlmSpell.Cli.Commands;

/// <summary>Options every command takes (declared on the root, inherited by subcommands).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config")
    {
        Description = "JSON config file: LLM endpoints, named agents, tool options, default model (default: $LLMSPELL_CONFIG, else built-in defaults)",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Where llmspell keeps its data (default: $LLMSPELL_DATA_DIR, else the config's data_dir, else ~/.local/share/llmspell)",
        HelpName = "DIR",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Debug logs on stderr, and stack traces with errors",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Add(Config);
        root.Add(DataDir);
        root.Add(Verbose);
    }

    public GlobalSettings Read(ParseResult result) =>
        new(result.GetValue(Config), result.GetValue(DataDir), result.GetValue(Verbose));
}

/// <summary>Options shared by several commands, made fresh for each (an option belongs to one command).</summary>
internal static class SharedOptions
{
    public static Option<string[]> Param(string description) => new("--param", "-p")
    {
        Description = description,
        HelpName = "NAME=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Workspace() => new("--workspace", "-w")
    {
        Description = "One directory file tools read and write in (default: read in the workflow's directory or the current one, write in <data-dir>/workspace)",
        HelpName = "DIR",
    };
}
