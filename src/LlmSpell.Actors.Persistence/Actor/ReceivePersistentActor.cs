namespace LlmSpell.Actors.Persistence;

/// <summary>
/// A <see cref="PersistentActor"/> that declares its handlers in its constructor, as Akka.NET's
/// <c>ReceivePersistentActor</c>: <c>Recover&lt;T&gt;</c> for snapshot offers, replayed events and
/// <see cref="RecoveryCompleted"/>; <c>Command&lt;T&gt;</c> / <c>CommandAsync&lt;T&gt;</c> for commands.
/// The first handler whose type (and predicate) matches wins. <see cref="Become(Action)"/> swaps the command handlers.
/// </summary>
public abstract class ReceivePersistentActor : PersistentActor
{
    private MessageHandler[] _recoverHandlers = [];
    private MessageHandler[] _commandHandlers = [];
    private Stack<MessageHandler[]>? _stack;
    private bool _inConstructor = true;
    private bool _inBecome;

    protected sealed override bool ReceiveRecover(object message)
    {
        _inConstructor = false;
        foreach (var handler in _recoverHandlers)
            if (handler.TryHandle(message)) return true;
        return false;
    }

    protected sealed override bool ReceiveCommand(object message)
    {
        _inConstructor = false;
        foreach (var handler in _commandHandlers)
            if (handler.TryHandle(message)) return true;
        return false;
    }

    protected void Recover<T>(Action<T> handler, Predicate<T>? shouldHandle = null) => AddRecover(new SyncMessageHandler<T>(handler, shouldHandle));

    /// <summary>A recovery handler that says itself whether it handled the message.</summary>
    protected void Recover<T>(Func<T, bool> handler) => AddRecover(new FuncMessageHandler<T>(handler));

    protected void RecoverAny(Action<object> handler) => AddRecover(new SyncMessageHandler<object>(handler, null));

    protected void Command<T>(Action<T> handler, Predicate<T>? shouldHandle = null) => AddCommand(new SyncMessageHandler<T>(handler, shouldHandle));

    protected void Command<T>(Predicate<T> shouldHandle, Action<T> handler) => AddCommand(new SyncMessageHandler<T>(handler, shouldHandle));

    /// <summary>A command handler that says itself whether it handled the message.</summary>
    protected void Command<T>(Func<T, bool> handler) => AddCommand(new FuncMessageHandler<T>(handler));

    /// <summary>An async command handler: no further command is processed until its task completes (see <see cref="PersistentActor.RunTask"/>).</summary>
    protected void CommandAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(new SyncMessageHandler<T>(m => RunTask(() => handler(m)), shouldHandle));
    }

    protected void CommandAny(Action<object> handler) => AddCommand(new SyncMessageHandler<object>(handler, null));

    protected void CommandAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(new SyncMessageHandler<object>(m => RunTask(() => handler(m)), null));
    }

    /// <summary>Replaces the command handlers with the ones <paramref name="configure"/> declares.</summary>
    protected void Become(Action configure) => _commandHandlers = Build(configure);

    /// <summary>Pushes new command handlers; <see cref="UnbecomeStacked"/> returns to the previous ones.</summary>
    protected void BecomeStacked(Action configure)
    {
        var next = Build(configure);
        (_stack ??= new Stack<MessageHandler[]>()).Push(_commandHandlers);
        _commandHandlers = next;
    }

    protected void UnbecomeStacked()
    {
        if (_stack is { Count: > 0 }) _commandHandlers = _stack.Pop();
    }

    private void AddRecover(MessageHandler handler)
    {
        if (!_inConstructor || _inBecome)
            throw new InvalidOperationException("Recover can only be called in the constructor.");
        _recoverHandlers = [.. _recoverHandlers, handler];
    }

    private void AddCommand(MessageHandler handler)
    {
        if (!_inConstructor && !_inBecome)
            throw new InvalidOperationException("Command can only be called in the constructor or inside Become/BecomeStacked.");
        _commandHandlers = [.. _commandHandlers, handler];
    }

    private MessageHandler[] Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var saved = _commandHandlers;
        var wasInBecome = _inBecome;
        _commandHandlers = [];
        _inBecome = true;
        try
        {
            configure();
            return _commandHandlers;
        }
        finally
        {
            _inBecome = wasInBecome;
            _commandHandlers = saved;
        }
    }
}
