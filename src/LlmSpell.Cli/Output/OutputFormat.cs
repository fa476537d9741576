using System.CommandLine;
using LlmSpell.Workflows.Definitions.Parsing;

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
        // Our own parser: the library's error names the enum's .NET type and suggests "Json/Text".
        CustomParser = result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            switch (value.ToLowerInvariant())
            {
                case "text": return OutputFormat.Text;
                case "json": return OutputFormat.Json;
                default:
                    result.AddError($"--output: '{value}' is not an output format; use text or json{DidYouMean.Hint(value, ["text", "json"])}");
                    return OutputFormat.Text;
            }
        },
    };
}
