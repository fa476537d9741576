namespace LlmSpell.Actors;

/// <summary>
/// Lifecycle and supervision messages; they travel in their own queue and are processed before
/// user messages, also while the actor is suspended after a failure.
/// </summary>
public abstract class SystemMessage
{
    private protected SystemMessage() { }

    /// <summary>Link in the mailbox's lock-free system-message list.</summary>
    internal SystemMessage? Next;
}

internal sealed class Terminate : SystemMessage;

internal sealed class Suspend : SystemMessage;

internal sealed class Resume(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;
}

internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

internal sealed class Failed(IActorRef child, Exception cause, long uid) : SystemMessage
{
    public IActorRef Child { get; } = child;
    public Exception Cause { get; } = cause;
    public long Uid { get; } = uid;
}

internal sealed class Watch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;
    public IInternalActorRef Watcher { get; } = watcher;
}

internal sealed class Unwatch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;
    public IInternalActorRef Watcher { get; } = watcher;
}

internal sealed class DeathWatchNotification(IActorRef actor, bool existenceConfirmed) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
    public bool ExistenceConfirmed { get; } = existenceConfirmed;
}

/// <summary>An async handler's task finished; user messages may flow again.</summary>
internal sealed class AsyncHandlerCompleted(Task task, Envelope envelope) : SystemMessage
{
    public Task Task { get; } = task;
    public Envelope Envelope { get; } = envelope;
}

/// <summary>A continuation of an async handler, run on the actor as if it were a message.</summary>
internal sealed class RunContinuation(SendOrPostCallback callback, object? state) : SystemMessage
{
    public SendOrPostCallback Callback { get; } = callback;
    public object? State { get; } = state;
}
