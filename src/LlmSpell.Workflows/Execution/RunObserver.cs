using Akka.Actor;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Workflows.Execution;

/// <summary>
/// The engine's subscriber to one run: an actor ref without a mailbox (as Akka's ask refs) that appends the run's
/// events to <see cref="Events"/> and completes <see cref="Completion"/> with its <see cref="RunFinished"/>. Being no
/// actor, it still hears the result of a run stopped by an actor system that is shutting down. Registered under
/// <c>/temp</c> like an ask's ref, so that a run on another node (placed runs) reaches it too; a placed run that moves to
/// another node (its node left or was lost) is followed there (<see cref="Follow"/>).
/// </summary>
internal sealed class RunObserver : MinimalActorRef
{
    /// <summary>How often a followed run is asked where it is when it has sent nothing.</summary>
    internal static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource<WorkflowResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _heard = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _moved;

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
            case RunMoved:
                _moved = true;
                break;
        }
        _heard.TrySetResult();
    }

    /// <summary>Subscribes again (the run may have ended elsewhere: its result comes then); false if the run is not there.</summary>
    private async Task<bool> SubscribeAgainAsync(string runId, IActorRef runs, TimeSpan askTimeout)
    {
        try
        {
            return await runs.Ask<IRunMessage>(new SubscribeToRun(runId, this), askTimeout).ConfigureAwait(false) is SubscribedToRun;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    /// <summary>No run will report here (its start was refused): the ref leaves <c>/temp</c>.</summary>
    public void Unregister() => Provider.UnregisterTempActor(Path);

    /// <summary>
    /// Follows placed run <paramref name="runId"/>, started on <paramref name="node"/>, across nodes: when it has moved (told, or
    /// its status names another node) this subscribes again through <paramref name="runs"/>; a run that ended where this could
    /// not hear it completes as failed, saying where to read its end.
    /// </summary>
    public void Follow(string runId, string? node, IActorRef runs, TimeSpan askTimeout) => _ = FollowAsync(runId, node, runs, askTimeout);

    private async Task FollowAsync(string runId, string? node, IActorRef runs, TimeSpan askTimeout)
    {
        var gone = 0;
        while (!_completion.Task.IsCompleted)
        {
            var heard = _heard;
            await Task.WhenAny(heard.Task, _completion.Task, Task.Delay(FollowInterval)).ConfigureAwait(false);
            if (heard.Task.IsCompleted)
            {
                _heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_moved) continue;
            }
            if (_completion.Task.IsCompleted) return;
            IRunMessage reply;
            try
            {
                reply = await runs.Ask<IRunMessage>(new GetRunStatus(runId), askTimeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                // Its node is gone and no other has taken the run yet.
                continue;
            }
            switch (reply)
            {
                case RunStatusReport status when _moved || status.Node != node:
                    _moved = false;
                    node = status.Node;
                    runs.Tell(new SubscribeToRun(runId, this), this);
                    break;
                case RunStatusReport status:
                    node = status.Node;
                    gone = 0;
                    break;
                // Ended, maybe on a node this was not subscribed on: its entity keeps it a while for subscribers that follow it.
                case RunRejected { Kind: RejectionKind.NotFound }:
                    if (await SubscribeAgainAsync(runId, runs, askTimeout).ConfigureAwait(false) || ++gone < 2) break;
                    _completion.TrySetResult(new WorkflowResult
                    {
                        RunId = runId,
                        WorkflowName = "",
                        Status = RunStatus.Failed,
                        Error = $"run '{runId}' ended on another node while it moved there, out of this subscriber's reach; 'llmspell workflow show {runId}' shows how it ended",
                    });
                    Events.Complete();
                    Unregister();
                    return;
            }
        }
    }
}
