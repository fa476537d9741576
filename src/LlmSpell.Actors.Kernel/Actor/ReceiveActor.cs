using System.Runtime.ExceptionServices;

namespace LlmSpell.Actors;

/// <summary>
/// An actor that declares its handlers with <c>Receive&lt;T&gt;</c> in its constructor (or inside
/// <see cref="Become(Action)"/>); the first handler whose type and predicate match wins.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    // Plain arrays and a flag rather than handler-set objects: every actor pays for these fields.
    private MessageHandler[] _handlers = [];
    // The behaviours below the current one; created on the first Become, with the initial handlers at
    // the bottom, which are never popped (as in Akka).
    private Stack<MessageHandler[]>? _stack;
    private bool _configuring = true; // the constructor, or inside Become/BecomeStacked

    protected sealed override bool Receive(object message)
    {
        _configuring = false;
        foreach (var handler in _handlers)
            if (handler.TryHandle(message)) return true;
        return false;
    }

    private void Add(MessageHandler handler)
    {
        if (!_configuring)
            throw new InvalidOperationException("Receive can only be called in the constructor or inside Become/BecomeStacked.");
        _handlers = [.. _handlers, handler];
    }

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null) => Add(new SyncMessageHandler<T>(handler, shouldHandle));

    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) => Add(new SyncMessageHandler<T>(handler, shouldHandle));

    /// <summary>A handler that says itself whether it handled the message.</summary>
    protected void Receive<T>(Func<T, bool> handler) => Add(new FuncMessageHandler<T>(handler));

    /// <summary>
    /// An async handler: no further user message is processed until the task completes (as in Akka);
    /// continuations run on the actor, so Self and Sender stay valid; a faulted task goes to supervision.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null) => Add(new AsyncHandler<T>(handler, shouldHandle));

    protected void ReceiveAny(Action<object> handler) => Add(new SyncMessageHandler<object>(handler, null));

    protected void ReceiveAnyAsync(Func<object, Task> handler) => Add(new AsyncHandler<object>(handler, null));

    /// <summary>Replaces the current handlers with the ones <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        var next = Build(configure);
        if (_stack is null) (_stack = new Stack<MessageHandler[]>()).Push(_handlers);
        _handlers = next;
    }

    /// <summary>Pushes new handlers; <see cref="UnbecomeStacked"/> returns to the previous ones.</summary>
    protected void BecomeStacked(Action configure)
    {
        var next = Build(configure);
        (_stack ??= new Stack<MessageHandler[]>()).Push(_handlers);
        _handlers = next;
    }

    /// <summary>Returns to the handlers below the current ones; the initial handlers are never popped (as in Akka).</summary>
    protected void UnbecomeStacked()
    {
        if (_stack is null) return;
        _handlers = _stack.Count > 1 ? _stack.Pop() : _stack.Peek();
    }

    /// <summary>Same as <see cref="UnbecomeStacked"/>.</summary>
    protected void Unbecome() => UnbecomeStacked();

    private MessageHandler[] Build(Action configure)
    {
        var saved = _handlers;
        var wasConfiguring = _configuring;
        _handlers = [];
        _configuring = true;
        try
        {
            configure();
            return _handlers;
        }
        finally
        {
            _configuring = wasConfiguring;
            _handlers = saved;
        }
    }

    private sealed class AsyncHandler<T>(Func<T, Task> handler, Predicate<T>? shouldHandle) : MessageHandler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
            var cell = ActorCell.Current!;
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(cell.SyncContext);
            Task task;
            try
            {
                task = handler(typed);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
            if (!task.IsCompleted) cell.AwaitAsyncHandler(task);
            else if (task.IsFaulted) ExceptionDispatchInfo.Capture(task.Exception!.InnerException ?? task.Exception).Throw();
            else if (task.IsCanceled) throw new TaskCanceledException(task);
            return true;
        }
    }
}
