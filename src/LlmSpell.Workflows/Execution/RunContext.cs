using System.Collections.Concurrent;
using LlmSpell.Actors;
using LlmSpell.Tools.Resolution;
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
    public TimeProvider Clock => System.Settings.TimeProvider;

    /// <summary>Signal name → the coordinator whose wait step expects it.</summary>
    public ConcurrentDictionary<string, IActorRef> Waiters { get; } = new(StringComparer.Ordinal);

    public void Emit(WorkflowEvent @event)
    {
        Events.Append(@event);
        System.EventStream.Publish(@event);
    }

    public void Complete(WorkflowResult result)
    {
        if (_completion.TrySetResult(result)) Events.Complete();
    }
}
