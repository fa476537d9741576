namespace LlmSpell.Cli.Output;

/// <summary>The process exit codes of <c>llmspell</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and what it ran failed: a workflow or step failed, an LLM was unreachable, a check failed.</summary>
    public const int Failed = 1;

    /// <summary>The command could not start: bad arguments, parameters, definition or configuration; unknown names; missing files.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
