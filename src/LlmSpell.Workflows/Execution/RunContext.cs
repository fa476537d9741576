using System.Collections.Concurrent;
using Akka.Actor;
using LlmSpell.Tools.Resolution;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Execution;

/// <summary>
/// What all coordinators of one run share: its id, services, event feed, completion, and the
/// registry of wait steps currently waiting for a signal (thread-safe: coordinators of parallel
/// branches use it at once).
/// </summary>
internal sealed class RunContext
{
    private readonly TaskCompletionSource<WorkflowResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunContext(string runId, WorkflowServices services, ActorSystem system)
    {
        RunId = runId;
        Services = services;
        System = system;
    }

    public string RunId { get; }
    public WorkflowServices Services { get; }

    /// <summary>The services' resolver, or resolution by name over the services' tools.</summary>
    public IToolResolver ToolResolver => _toolResolver ??= Services.ToolResolver ?? new ToolResolver(Services.Tools);

    private IToolResolver? _toolResolver;
    public ActorSystem System { get; }
    public RunEventLog Events { get; } = new();
    public Task<WorkflowResult> Completion => _completion.Task;
    public TimeProvider Clock => Services.Clock;

    /// <summary>Signal name → the coordinator whose wait step expects it.</summary>
    public ConcurrentDictionary<string, IActorRef> Waiters { get; } = new(StringComparer.Ordinal);

    /// <summary>The run's journal when the engine is durable; null in memory.</summary>
    public RunJournal? Journal { get; init; }

    /// <summary>Step key → recorded result of the steps a resumed run completed before: they are not run again.</summary>
    public IReadOnlyDictionary<string, StepResult> Recorded { get; init; } = new Dictionary<string, StepResult>();

    /// <summary>Publishes the event; in a durable run also journals it. The task completes when it is durable.</summary>
    public Task Emit(WorkflowEvent @event)
    {
        Events.Append(@event);
        System.EventStream.Publish(@event);
        return Journal is { } journal && RunJournal.IsJournaled(@event) ? journal.AppendAsync(@event) : Task.CompletedTask;
    }

    public void Complete(WorkflowResult result)
    {
        if (_completion.TrySetResult(result)) Events.Complete();
    }

    /// <summary>Completes the run once <paramref name="written"/> (its terminal event) is durable; a failed write fails the result.</summary>
    public void Complete(WorkflowResult result, Task written)
    {
        if (written.IsCompletedSuccessfully)
        {
            Complete(result);
            return;
        }
        written.ContinueWith(t => Complete(t.IsCompletedSuccessfully ? result : result with
        {
            Status = result.Status == RunStatus.Completed ? RunStatus.Failed : result.Status,
            Error = $"{result.Error ?? "the run ended"}; but its end could not be journaled: {t.Exception?.InnerException?.Message}",
        }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
