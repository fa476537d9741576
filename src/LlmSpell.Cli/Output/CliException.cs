namespace LlmSpell.Cli.Output;

/// <summary>An error to show the user as one message (what, where, how to fix), with the exit code it ends the process with.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Usage, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The message lists several problems, one per line, each already made one line (<c>ErrorText.Capped</c>).</summary>
    public bool IsList { get; init; }

    /// <summary>A usage error for <paramref name="option"/> with <paramref name="invalid"/>'s message, without .NET's "(Parameter '…')" suffix.</summary>
    public static CliException ForOption(string option, ArgumentException invalid) =>
        new($"{option}: {invalid.Message.Split(" (Parameter", 2)[0]}", ExitCodes.Usage, invalid);
}
