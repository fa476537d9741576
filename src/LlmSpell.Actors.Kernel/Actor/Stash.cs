namespace LlmSpell.Actors;

/// <summary>Messages set aside to be processed later, e.g. while waiting for a resource.</summary>
public interface IStash
{
    /// <summary>Sets aside the message being processed.</summary>
    void Stash();

    /// <summary>Returns the oldest stashed message to the front of the mailbox.</summary>
    void Unstash();

    /// <summary>Returns every stashed message, in order, to the front of the mailbox.</summary>
    void UnstashAll();

    /// <summary>Drops the stash and returns what it held.</summary>
    IReadOnlyList<Envelope> ClearStash();
}

/// <summary>Implemented by actors that stash; the runtime sets <see cref="Stash"/>.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}

internal sealed class ActorStash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = [];

    public void Stash()
    {
        var current = cell.CurrentEnvelope;
        if (current.Message is null) throw new InvalidOperationException("There is no message to stash (Stash is only valid while handling a message).");
        if (_stashed.Count > 0 && ReferenceEquals(_stashed[^1].Message, current.Message))
            throw new InvalidOperationException($"The message [{current.Message}] is already stashed; a message can be stashed once.");
        _stashed.Add(current);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0) return;
        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Prepend([first]);
    }

    public void UnstashAll()
    {
        if (_stashed.Count == 0) return;
        cell.Prepend(_stashed);
        _stashed.Clear();
    }

    public IReadOnlyList<Envelope> ClearStash()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }
}
