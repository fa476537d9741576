using System.Collections.Concurrent;

namespace LlmSpell.Actors.Testing;

/// <summary>A message received by a test actor, with its sender.</summary>
public readonly record struct ReceivedMessage(object Message, IActorRef Sender);

/// <summary>What a test actor received, waited on with a timeout from sync or async code.</summary>
internal sealed class MessageQueue
{
    private readonly ConcurrentQueue<ReceivedMessage> _queue = new();
    private readonly SemaphoreSlim _available = new(0);

    public void Enqueue(ReceivedMessage message)
    {
        _queue.Enqueue(message);
        _available.Release();
    }

    public bool TryTake(TimeSpan timeout, out ReceivedMessage message)
    {
        if (_available.Wait(Clamp(timeout)) && _queue.TryDequeue(out message)) return true;
        message = default;
        return false;
    }

    public async Task<ReceivedMessage?> TryTakeAsync(TimeSpan timeout)
    {
        if (await _available.WaitAsync(Clamp(timeout)).ConfigureAwait(false) && _queue.TryDequeue(out var message)) return message;
        return null;
    }

    public int Count => _queue.Count;

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}

/// <summary>The actor behind TestActor and every TestProbe: queues what it receives.</summary>
internal sealed class TestActor : ReceiveActor
{
    public TestActor(MessageQueue queue)
    {
        Receive<TestKitBase.WatchRequest>(r => Context.Watch(r.Target));
        Receive<TestKitBase.UnwatchRequest>(r => Context.Unwatch(r.Target));
        ReceiveAny(message => queue.Enqueue(new ReceivedMessage(message, Sender)));
    }

    // A TestActor watching an actor must see its Terminated as a message, not die of it.
    protected override void Unhandled(object message) { }
}
