namespace LlmSpell.Workflows.Definitions;

/// <summary>The four workflow patterns; each is a different message protocol between coordinator and children.</summary>
public enum WorkflowType
{
    Sequential,
    Parallel,
    Conditional,
    Loop,
}

/// <summary>A workflow: a pattern over steps (sequential, loop) or branches (parallel, conditional).</summary>
public sealed record WorkflowDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public WorkflowType Type { get; init; } = WorkflowType.Sequential;

    /// <summary>The steps of a sequential workflow, or the body of a loop.</summary>
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>The branches of a parallel or conditional workflow.</summary>
    public IReadOnlyList<BranchDefinition> Branches { get; init; } = [];

    /// <summary>The iteration spec of a loop workflow.</summary>
    public LoopSpec? Loop { get; init; }

    public WorkflowConfig Config { get; init; } = WorkflowConfig.Default;

    /// <summary>Named workflows that <c>workflow</c> steps may refer to by name.</summary>
    public IReadOnlyDictionary<string, WorkflowDefinition> Workflows { get; init; } = new Dictionary<string, WorkflowDefinition>();

    /// <summary>Every step in this workflow's own steps and branches (not inside nested workflows).</summary>
    public IEnumerable<StepDefinition> OwnSteps => Steps.Concat(Branches.SelectMany(b => b.Steps));

    /// <summary>The steps defined here, in the workflows nested in them and in the named workflows (each counted where it is defined).</summary>
    public int DefinedSteps => OwnSteps.Sum(s => 1 + (s.Workflow?.Inline?.DefinedSteps ?? 0)) + Workflows.Values.Sum(w => w.DefinedSteps);
}

/// <summary>A named list of steps: a parallel branch or a conditional route.</summary>
public sealed record BranchDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>Parallel: a required branch's failure fails the workflow; an optional one's does not.</summary>
    public bool Required { get; init; } = true;

    /// <summary>Conditional: when this branch is chosen (null on the default branch).</summary>
    public Condition? Condition { get; init; }

    /// <summary>Conditional: taken when no other branch matches.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Parallel: a time limit for the whole branch.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>What a workflow does when a step fails after its retries.</summary>
public enum ErrorStrategy
{
    /// <summary>Stop the workflow: it fails.</summary>
    FailFast,
    /// <summary>Record the failure and go on; the workflow ends partially completed.</summary>
    Continue,
    /// <summary>Retry with the step's policy (or the default one), then fail.</summary>
    Retry,
}

/// <summary>How a conditional workflow picks branches.</summary>
public enum ConditionalMode
{
    FirstMatch,
    AllMatches,
}

/// <summary>Timeouts, error handling and concurrency of a workflow; defaults as the spec's WorkflowConfig.</summary>
public sealed record WorkflowConfig
{
    public static readonly WorkflowConfig Default = new();

    /// <summary>Whole-run time limit (spec: max_execution_time 600 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Per-step time limit unless a step sets its own (spec: default_step_timeout 120 s).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public ErrorStrategy ErrorStrategy { get; init; } = ErrorStrategy.FailFast;

    /// <summary>Retry policy of steps that set none.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Parallel: how many branches run at once.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Parallel: a failed required branch cancels the branches still running.</summary>
    public bool FailFast { get; init; } = true;

    /// <summary>Parallel: an optional branch's failure leaves the workflow completed (else partially completed).</summary>
    public bool ContinueOnOptionalFailure { get; init; } = true;

    public ConditionalMode ConditionalMode { get; init; } = ConditionalMode.FirstMatch;
}

/// <summary>Retries of a failed step attempt, with exponential backoff and jitter.</summary>
public sealed record RetryPolicy
{
    /// <summary>One attempt, no retry.</summary>
    public static readonly RetryPolicy None = new() { MaxAttempts = 1 };

    /// <summary>The policy of the <c>retry</c> error strategy when a step names none.</summary>
    public static readonly RetryPolicy DefaultRetry = new() { MaxAttempts = 3 };

    /// <summary>Attempts in total, the first included.</summary>
    public int MaxAttempts { get; init; } = 1;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Fraction (0–1) of the delay added or removed at random, so retries do not stampede.</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>The delay before attempt <paramref name="attempt"/> (2 = the first retry); <paramref name="random"/> in [0,1).</summary>
    public TimeSpan BackoffBefore(int attempt, double random)
    {
        var retries = Math.Max(0, attempt - 2);
        var initial = InitialBackoff.TotalMilliseconds;
        var growth = initial * Math.Pow(Multiplier, retries);
        // No backoff stays none (0 times an overflowed power would be NaN); beyond the cap the growth does not matter.
        var ms = initial <= 0 ? 0 : double.IsNaN(growth) ? MaxBackoff.TotalMilliseconds : Math.Min(MaxBackoff.TotalMilliseconds, growth);
        var jittered = ms * (1 + Jitter * (2 * random - 1));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, MaxBackoff.TotalMilliseconds));
    }
}
