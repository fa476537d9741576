namespace LlmSpell.Cli.Progress;

/// <summary>Picks the progress display: live on a terminal, plain lines otherwise. <c>LLMSPELL_PROGRESS</c> = live | plain | off forces one.</summary>
internal static class ProgressViews
{
    public const string EnvironmentVariable = "LLMSPELL_PROGRESS";

    /// <summary>The view for a run: <paramref name="declared"/> (step and branch names in declaration order) orders the live view's rows.</summary>
    public static IProgressView Create(string title, IReadOnlyList<string>? declared = null) => Choose() switch
    {
        ProgressMode.Off => new NoProgress(),
        ProgressMode.Plain => new PlainProgress(Console.Error),
        _ => LiveProgress.Start(title, declared),
    };

    /// <summary>What <see cref="EnvironmentVariable"/> forces, else live on a terminal (stderr) and plain lines otherwise.</summary>
    public static ProgressMode Choose()
    {
        var forced = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant();
        var terminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return forced switch
        {
            "off" or "none" => ProgressMode.Off,
            "plain" => ProgressMode.Plain,
            "live" => ProgressMode.Live,
            _ => terminal ? ProgressMode.Live : ProgressMode.Plain,
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
