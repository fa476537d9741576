namespace LlmSpell.Workflows.Results;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    Completed,
    Failed,
    PartiallyCompleted,
    Cancelled,
    TimedOut,
}

/// <summary>How a step ended.</summary>
public enum StepStatus
{
    Completed,
    Failed,
    Skipped,
    Cancelled,
}

/// <summary>The snake_case names used in JSON output and by the CLI.</summary>
public static class StatusNames
{
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.PartiallyCompleted => "partially_completed",
        RunStatus.Cancelled => "cancelled",
        _ => "timed_out",
    };

    public static string Of(StepStatus status) => status switch
    {
        StepStatus.Completed => "completed",
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "skipped",
        _ => "cancelled",
    };
}
