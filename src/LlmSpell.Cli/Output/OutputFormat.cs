using System.CommandLine;

namespace LlmSpell.Cli.Output;

/// <summary>How a command prints its result: for people, or as one JSON document on stdout.</summary>
public enum OutputFormat
{
    Text,
    Json,
}

internal static class OutputFormatOption
{
    public static Option<OutputFormat> Create() => new("--output", "-o")
    {
        Description = "Output format: text (for people) or json (stdout holds only the JSON document)",
        DefaultValueFactory = _ => OutputFormat.Text,
        HelpName = "text|json",
    };
}
