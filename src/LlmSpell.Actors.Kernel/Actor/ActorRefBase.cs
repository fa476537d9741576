namespace LlmSpell.Actors;

/// <summary>Equality and ordering by path and incarnation uid, shared by every ref.</summary>
public abstract class ActorRefBase : IActorRef
{
    protected ActorRefBase(ActorPath path) => Path = path;

    public ActorPath Path { get; }

    public abstract void Tell(object message, IActorRef sender);

    public bool Equals(IActorRef? other) =>
        other is not null && (ReferenceEquals(this, other) || (Path.Uid == other.Path.Uid && Path.Equals(other.Path)));

    public override bool Equals(object? obj) => obj is IActorRef r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(Path.Uid, Path.GetHashCode());

    public int CompareTo(IActorRef? other)
    {
        if (other is null) return 1;
        var c = string.CompareOrdinal(Path.ToString(), other.Path.ToString());
        return c != 0 ? c : Path.Uid.CompareTo(other.Path.Uid);
    }

    public override string ToString() => $"[{Path.ToStringWithUid()}]";
}

/// <summary>A ref with no cell behind it (dead letters, ask promises, nobody).</summary>
public abstract class MinimalActorRef : ActorRefBase, IInternalActorRef
{
    protected MinimalActorRef(ActorPath path) : base(path) { }

    public virtual bool IsTerminated => false;
    public virtual void SendSystemMessage(SystemMessage message) { }
    public virtual void Stop() { }
}

/// <summary>The runtime's view of a ref: system messages and termination state.</summary>
public interface IInternalActorRef : IActorRef
{
    bool IsTerminated { get; }
    void SendSystemMessage(SystemMessage message);
    void Stop();
}
