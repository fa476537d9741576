namespace LlmSpell.Actors.Dispatch;

/// <summary>
/// Dmitry Vyukov's unbounded multi-producer single-consumer queue. Producers pay one atomic
/// exchange; the consumer pays none. The node is the only allocation per item.
/// </summary>
/// <remarks>
/// A struct so that it lives inline in its mailbox (one object less per actor); never copy it.
/// A producer links its node after the exchange, so for a brief window the consumer may see
/// the queue as empty while <see cref="IsEmpty"/> is already false; callers reschedule on that.
/// </remarks>
internal struct MpscQueue<T>
{
    private sealed class Node
    {
        public T Item = default!;
        public Node? Next;
    }

    private Node _head; // producers swap here
    private Node _tail; // consumer only

    public MpscQueue()
    {
        _head = _tail = new Node();
    }

    public void Enqueue(T item)
    {
        var node = new Node { Item = item };
        var prev = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref prev.Next, node);
    }

    /// <summary>Consumer only.</summary>
    public bool TryDequeue(out T item)
    {
        var next = Volatile.Read(ref _tail.Next);
        if (next is null)
        {
            item = default!;
            return false;
        }
        item = next.Item;
        next.Item = default!; // the node becomes the stub; do not keep the message alive
        _tail = next;
        return true;
    }

    /// <summary>True when no producer has started an enqueue that the consumer has not taken.</summary>
    public bool IsEmpty => ReferenceEquals(Volatile.Read(ref _head), _tail);

    /// <summary>Approximate number of queued items, walking at most <paramref name="limit"/> nodes.</summary>
    public int CountUpTo(int limit)
    {
        var count = 0;
        for (var n = Volatile.Read(ref _tail.Next); n is not null && count < limit; n = Volatile.Read(ref n.Next)) count++;
        return count;
    }
}
