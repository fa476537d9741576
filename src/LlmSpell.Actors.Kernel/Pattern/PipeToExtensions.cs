namespace LlmSpell.Actors;

/// <summary>Turns a task's outcome into a message, so long work never blocks an actor.</summary>
public static class PipeToExtensions
{
    /// <summary>
    /// When the task finishes, tells <paramref name="recipient"/> its result (or <paramref name="success"/>'s mapping);
    /// a fault or cancellation becomes <see cref="Status.Failure"/> (or <paramref name="failure"/>'s mapping).
    /// </summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null,
        Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        sender ??= ActorRefs.NoSender;
        return task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) recipient.Tell(success is null ? t.Result! : success(t.Result), sender);
            else recipient.Tell(FailureMessage(t, failure), sender);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Pipes a task without a result: <paramref name="success"/> (default <see cref="Status.Success"/>) or a failure.</summary>
    public static Task PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null,
        Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        sender ??= ActorRefs.NoSender;
        return task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) recipient.Tell(success?.Invoke() ?? new Status.Success(null), sender);
            else recipient.Tell(FailureMessage(t, failure), sender);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static object FailureMessage(Task t, Func<Exception, object>? failure)
    {
        Exception cause = t.IsCanceled
            ? new TaskCanceledException(t)
            : t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
        return failure is null ? new Status.Failure(cause) : failure(cause);
    }
}
