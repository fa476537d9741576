namespace LlmSpell.Workflows.Durability;

/// <summary>
/// Where a workflow engine reads durable runs: its own journal (<see cref="RunQueries"/>), or, for an engine whose runs live on
/// the nodes of a cluster it reaches from outside, a node that reads the cluster's journal for it (<see cref="Runs.RunReaderClient"/>).
/// </summary>
internal interface IRunReader
{
    /// <summary>The run's summary and events; null when the journal has none (it never started, or it was purged).</summary>
    Task<RunRecord?> ReadAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Every run's summary, from the lifecycle events alone.</summary>
    Task<IReadOnlyList<RunSummary>> SummariesAsync(CancellationToken cancellationToken);
}
