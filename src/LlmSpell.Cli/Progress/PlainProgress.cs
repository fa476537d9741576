using System.Diagnostics;
using System.Globalization;
using LlmSpell.Templates.Reporting;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Cli.Progress;

/// <summary>One line per event on stderr (when it is not a terminal): greppable, and never mixed into stdout.</summary>
internal sealed class PlainProgress(TextWriter writer) : IProgressView
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();

    public void Report(WorkflowEvent value)
    {
        var line = Describe(value);
        if (line is null) return;
        var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        lock (_gate) writer.WriteLine($"[{elapsed}s] {value.Kind} {line}");
    }

    internal static string? Describe(WorkflowEvent value) => value switch
    {
        // The run id comes first, so that a run interrupted or crashed can be found again (llmspell workflow show ID).
        RunStarted e when e.Path.Length == 0 => $"workflow '{e.WorkflowName}' run {e.RunId}",
        RunStarted e => $"workflow '{e.WorkflowName}'{Where(e)}",
        StepStarted e => $"{e.Key} (attempt {e.Attempt})",
        // Streamed text is for the live view; a line per chunk would drown the log.
        StepProgress => null,
        StepStalled e => $"{e.Key}: {e.Message}",
        StepRetrying e => $"{e.Key}: attempt {e.NextAttempt} in {WorkflowReport.Milliseconds(e.Delay)} after: {e.Error}",
        StepCompleted e => $"{e.Key} in {WorkflowReport.Milliseconds(e.Result.Duration)}{Detail(e.Result)}",
        // A failure's text is printed once, by the command's error line (or in the report when the run tolerates it).
        StepFailed e => $"{e.Key} after {Counted.Of(e.Attempts, "attempt")}",
        StepSkipped e => $"{e.Key}: {e.Reason}",
        BranchSelected e => $"{(e.Branches.Count == 0 ? "(none)" : string.Join(", ", e.Branches))} ({e.Reason}){Where(e)}",
        IterationStarted e => $"{e.Index + 1}{Where(e)}",
        IterationCompleted e => $"{e.Index + 1}{Where(e)}",
        SignalAwaited e => $"{e.Key} waits for signal '{e.Signal}'",
        SignalReceived e => $"{e.Key} got signal '{e.Signal}'",
        RunCompleted e => $"{StatusNames.Of(e.Status)} in {e.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s",
        RunFailed e => $"after {e.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s",
        RunCancelled e => $"{e.Reason}",
        RunTimedOut e => $"after {e.Timeout}",
        _ => "",
    };

    private static string Where(WorkflowEvent e) => e.Path.Length == 0 ? "" : $" in {e.Path}";

    private static string Detail(StepResult r)
    {
        if (r.Model is not null) return $" ({r.Model}{(r.Usage is { } u ? $", {u.TotalTokens} tokens" : "")})";
        return r.Tool is not null ? $" (tool {r.Tool})" : "";
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
