using System.Text.Json.Nodes;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Durability;

/// <summary>Operations on the durable runs of a journal: list, history, resume, purge, export.</summary>
public interface IWorkflowOperations
{
    /// <summary>The runs of the journal, newest first, filtered by state, workflow name and start time.</summary>
    Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>One run's summary (state, times, error), read from its journal alone; throws <see cref="KeyNotFoundException"/> for an unknown run.</summary>
    Task<RunSummary> GetSummaryAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>One run read from its journal alone: summary, start and every event; throws <see cref="KeyNotFoundException"/> for an unknown run.</summary>
    Task<RunRecord> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The run's journaled events in order, with sequence numbers and times; throws <see cref="KeyNotFoundException"/> for an unknown run.</summary>
    Task<IReadOnlyList<RunHistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Resumes an unfinished run that is not active on this engine: completed steps are not run again.</summary>
    Task<IWorkflowRun> ResumeAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Resumes every unfinished run of the journal that no process runs.</summary>
    Task<IReadOnlyList<IWorkflowRun>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the journals of finished runs that ended more than <paramref name="olderThan"/> ago; says which, and which live runs it left.</summary>
    Task<Execution.PurgeReport> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default);

    /// <summary>The run as one JSON document: summary, definition, input and every event.</summary>
    Task<JsonObject> ExportAsync(string runId, CancellationToken cancellationToken = default);
}
