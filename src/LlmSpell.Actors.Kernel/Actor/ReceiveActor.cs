using System.Runtime.ExceptionServices;

namespace LlmSpell.Actors;

/// <summary>
/// An actor that declares its handlers with <c>Receive&lt;T&gt;</c> in its constructor (or inside
/// <see cref="Become(Action)"/>); the first handler whose type and predicate match wins.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerSet? _building = new();
    private HandlerSet _current = HandlerSet.Empty;
    private HandlerSet _initial = HandlerSet.Empty;
    private Stack<HandlerSet>? _stack;
    private bool _sealed;

    protected sealed override bool Receive(object message)
    {
        if (!_sealed) SealInitialHandlers();
        return _current.TryHandle(message);
    }

    private void SealInitialHandlers()
    {
        _sealed = true;
        if (_building is not null)
        {
            _current = _initial = _building;
            _building = null;
        }
    }

    private HandlerSet Building => _building ?? throw new InvalidOperationException(
        "Receive can only be called in the constructor or inside Become/BecomeStacked.");

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null) =>
        Building.Add(new SyncHandler<T>(handler, shouldHandle));

    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) =>
        Building.Add(new SyncHandler<T>(handler, shouldHandle));

    /// <summary>A handler that says itself whether it handled the message.</summary>
    protected void Receive<T>(Func<T, bool> handler) => Building.Add(new FuncHandler<T>(handler));

    /// <summary>
    /// An async handler: no further user message is processed until the task completes (as in Akka);
    /// continuations run on the actor, so Self and Sender stay valid; a faulted task goes to supervision.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null) =>
        Building.Add(new AsyncHandler<T>(handler, shouldHandle));

    protected void ReceiveAny(Action<object> handler) => Building.Add(new SyncHandler<object>(handler, null));

    protected void ReceiveAnyAsync(Func<object, Task> handler) => Building.Add(new AsyncHandler<object>(handler, null));

    /// <summary>Replaces the current handlers with the ones <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        SealInitialHandlers();
        _current = Build(configure);
    }

    /// <summary>Pushes new handlers; <see cref="UnbecomeStacked"/> returns to the previous ones.</summary>
    protected void BecomeStacked(Action configure)
    {
        SealInitialHandlers();
        var next = Build(configure);
        (_stack ??= new Stack<HandlerSet>()).Push(_current);
        _current = next;
    }

    /// <summary>Returns to the handlers below the current ones; the initial handlers are never popped (as in Akka).</summary>
    protected void UnbecomeStacked()
    {
        // Become replaces the top without pushing, so an empty stack means the initial handlers are below.
        _current = _stack is { Count: > 0 } ? _stack.Pop() : _initial;
    }

    /// <summary>Same as <see cref="UnbecomeStacked"/>.</summary>
    protected void Unbecome() => UnbecomeStacked();

    private HandlerSet Build(Action configure)
    {
        var set = new HandlerSet();
        _building = set;
        try
        {
            configure();
        }
        finally
        {
            _building = null;
        }
        return set;
    }

    private sealed class HandlerSet
    {
        public static readonly HandlerSet Empty = new();
        private Handler[] _handlers = [];

        public void Add(Handler handler)
        {
            var h = _handlers;
            Array.Resize(ref h, h.Length + 1);
            h[^1] = handler;
            _handlers = h;
        }

        public bool TryHandle(object message)
        {
            foreach (var handler in _handlers)
                if (handler.TryHandle(message)) return true;
            return false;
        }
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class SyncHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
            handler(typed);
            return true;
        }
    }

    private sealed class FuncHandler<T>(Func<T, bool> handler) : Handler
    {
        public override bool TryHandle(object message) => message is T typed && handler(typed);
    }

    private sealed class AsyncHandler<T>(Func<T, Task> handler, Predicate<T>? shouldHandle) : Handler
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
