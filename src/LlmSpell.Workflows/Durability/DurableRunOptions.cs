namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Makes a <see cref="Execution.WorkflowEngine"/> durable: each run is a persistent actor (persistence id <c>run-&lt;id&gt;</c>)
/// on the actor system's Akka.Persistence journal (<see cref="RunStoreOptions"/> configures one), and unfinished runs resume
/// from it. <see cref="LiveRunsDirectory"/> tells processes sharing the journal which runs are live and where.
/// </summary>
public sealed record DurableRunOptions
{
    /// <summary>
    /// Where this engine marks the runs it is running (<c>&lt;id&gt;.lock</c>, held while live; <c>&lt;id&gt;.pid</c>) and takes
    /// requests for them from other processes (<c>&lt;id&gt;.cancel</c>); null: no marks, runs are not reachable from other processes.
    /// </summary>
    public string? LiveRunsDirectory { get; init; }

    /// <summary>Whether the engine resumes every unfinished run of the journal when it starts (default true).</summary>
    public bool ResumeOnStart { get; init; } = true;

    /// <summary>
    /// A run saves a snapshot after this many events (default 500), or after as many events as it has completed steps when
    /// that is more (a snapshot holds them all); recovery replays at most that many.
    /// </summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>
    /// Placed runs (a cluster's entities): how long a run's entity keeps its ended run for subscribers that follow it from a
    /// node it left, before it lets go (default 30 s).
    /// </summary>
    public TimeSpan KeepEndedRunsFor { get; init; } = TimeSpan.FromSeconds(30);

    public DurableRunOptions WithResumeOnStart(bool resumeOnStart) => this with { ResumeOnStart = resumeOnStart };

    public DurableRunOptions WithLiveRunsDirectory(string? directory) => this with { LiveRunsDirectory = directory };

    public DurableRunOptions WithSnapshotEvery(int events) => events > 0
        ? this with { SnapshotEvery = events }
        : throw new ArgumentOutOfRangeException(nameof(events), events, "A snapshot interval is a positive number of events.");
}
