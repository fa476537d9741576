using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Cli.Output;

/// <summary>
/// Errors as the user sees them on stderr: "error: " and one line, whatever the message quotes (line breaks and
/// control characters escaped, long values cut: <see cref="ErrorText"/>). Lists of problems keep one line each.
/// </summary>
internal static class ErrorOutput
{
    public static void Write(string message) => Console.Error.WriteLine("error: " + ErrorText.OneLine(message));

    /// <summary>A message that lists problems one per line, each already made one line where it was built.</summary>
    public static void WriteList(string message) => Console.Error.WriteLine("error: " + message);
}
