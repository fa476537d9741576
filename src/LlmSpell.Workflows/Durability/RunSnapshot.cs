using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// What a run's recovery needs, saved every <see cref="DurableRunOptions.SnapshotEvery"/> events (or, once the run has completed
/// more steps than that, every as many events as it has completed steps) so that a long run (a loop of thousands of iterations)
/// recovers from the snapshot and the events after it, not from its first event.
/// </summary>
public sealed record RunSnapshot(WorkflowStarted Started, IReadOnlyDictionary<string, StepResult> CompletedSteps);
