namespace LlmSpell.Cli.Progress;

/// <summary>Picks the progress display: live on a terminal, plain lines otherwise. <c>LLMSPELL_PROGRESS</c> = live | plain | off forces one.</summary>
internal static class ProgressViews
{
    public const string EnvironmentVariable = "LLMSPELL_PROGRESS";

    public static IProgressView Create(string title)
    {
        var forced = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant();
        var terminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return forced switch
        {
            "off" or "none" => new NoProgress(),
            "plain" => new PlainProgress(Console.Error),
            "live" => LiveProgress.Start(title),
            _ => terminal ? LiveProgress.Start(title) : new PlainProgress(Console.Error),
        };
    }

    private sealed class NoProgress : IProgressView
    {
        public void Report(Workflows.Events.WorkflowEvent value)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
