using System.Runtime.ExceptionServices;

namespace LlmSpell.Actors.Persistence;

// Commands: the synchronous turn, async handlers (RunTask), and what happens after each.
public abstract partial class PersistentActor
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    private bool _inCommand;
    private bool _inTurn; // Persist calls during a turn are batched and written at its end
    private Task? _asyncCommand;

    private bool RunCommand(object message)
    {
        bool handled;
        _inCommand = true;
        _inTurn = true;
        try
        {
            handled = ReceiveCommand(message);
        }
        catch
        {
            _asyncCommand = null;
            throw;
        }
        finally
        {
            _inCommand = false;
            _inTurn = false;
            // As Akka: what the command persisted before it threw is still written.
            FlushBatch();
        }
        if (_asyncCommand is { } pending)
        {
            _asyncCommand = null;
            AwaitAsyncCommand(pending);
        }
        else
        {
            UnstashNextIfIdle();
        }
        return handled;
    }

    /// <summary>
    /// Runs an async command handler (Akka.NET's <c>RunTask</c>): no further command is processed until its task
    /// completes; continuations run on the actor, so state, <c>Sender</c> and <c>Persist</c> are safe after an await.
    /// A faulted task fails the actor (supervision). Call it at most once per command, from a command handler.
    /// </summary>
    protected void RunTask(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!_inCommand) throw new InvalidOperationException("RunTask can only be called from a command handler.");
        if (_asyncCommand is not null) throw new InvalidOperationException("RunTask can only be called once per command.");
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_cell.SyncContext);
        Task task;
        try
        {
            task = action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (!task.IsCompleted) _asyncCommand = task;
        else if (task.IsFaulted) ExceptionDispatchInfo.Capture(task.Exception!.InnerException ?? task.Exception).Throw();
        else if (task.IsCanceled) throw new TaskCanceledException(task);
    }

    private void AwaitAsyncCommand(Task command)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_cell.SyncContext);
        Task completion;
        try
        {
            completion = AfterAsyncCommand(command);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        // The cell holds user messages until the task completes, as for ReceiveActor.ReceiveAsync.
        _cell.AwaitAsyncHandler(completion);
    }

    private async Task AfterAsyncCommand(Task command)
    {
        try
        {
            await command;
        }
        catch when (!IsCurrentIncarnation)
        {
            // Never complete: the cell's gate now belongs to the next incarnation's recovery.
            await Never;
        }
        if (!IsCurrentIncarnation) await Never;
        FlushBatch();
        UnstashNextIfIdle();
    }
}
