using Akka.Actor;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

/// <summary>
/// The engine's subscriber to one run: an actor ref without a mailbox (as Akka's ask refs) that appends the run's
/// events to <see cref="Events"/> and completes <see cref="Completion"/> with its <see cref="RunFinished"/>. Being no
/// actor, it still hears the result of a run stopped by an actor system that is shutting down. Registered under
/// <c>/temp</c> like an ask's ref, so that a run on another node (placed runs) reaches it too.
/// </summary>
internal sealed class RunObserver : MinimalActorRef
{
    private readonly TaskCompletionSource<WorkflowResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunObserver(ActorSystem system)
    {
        var provider = ((ExtendedActorSystem)system).Provider;
        Provider = provider;
        Path = provider.TempPath();
        provider.RegisterTempActor(this, Path);
    }

    public override ActorPath Path { get; }
    public override IActorRefProvider Provider { get; }

    public RunEventLog Events { get; } = new();
    public Task<WorkflowResult> Completion => _completion.Task;

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case WorkflowEvent e:
                Events.Append(e);
                break;
            case RunFinished finished:
                // The result first: a reader that saw the events end finds the run complete.
                _completion.TrySetResult(finished.Result);
                Events.Complete();
                Unregister();
                break;
        }
    }

    /// <summary>No run will report here (its start was refused): the ref leaves <c>/temp</c>.</summary>
    public void Unregister() => Provider.UnregisterTempActor(Path);
}
