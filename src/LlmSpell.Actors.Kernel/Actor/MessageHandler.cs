namespace LlmSpell.Actors;

/// <summary>One typed handler of a receive-style actor (ReceiveActor, ReceivePersistentActor).</summary>
internal abstract class MessageHandler
{
    /// <summary>Handles the message when it is of the handler's type and passes its predicate.</summary>
    public abstract bool TryHandle(object message);
}

/// <summary><c>Receive&lt;T&gt;(Action&lt;T&gt;, Predicate&lt;T&gt;?)</c>.</summary>
internal sealed class SyncMessageHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : MessageHandler
{
    private readonly Action<T> _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    public override bool TryHandle(object message)
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        _handler(typed);
        return true;
    }
}

/// <summary><c>Receive&lt;T&gt;(Func&lt;T, bool&gt;)</c>: the handler says itself whether it handled the message.</summary>
internal sealed class FuncMessageHandler<T>(Func<T, bool> handler) : MessageHandler
{
    private readonly Func<T, bool> _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    public override bool TryHandle(object message) => message is T typed && _handler(typed);
}
