namespace LlmSpell.Actors;

// Creating, finding and stopping children; the table is shared with other threads (ActorOf).
public sealed partial class ActorCell
{
    private const string NameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";

    private Dictionary<string, ChildRestartStats>? _children;
    private HashSet<IActorRef>? _childrenToDie; // children we asked to stop; a restart waits for these only
    private long _nextGeneratedName;

    private object ChildrenLock => Mailbox;

    /// <summary>True while children this actor stopped have not terminated yet.</summary>
    internal bool HasChildrenToDie
    {
        get { lock (ChildrenLock) return _childrenToDie is { Count: > 0 }; }
    }

    public IEnumerable<IActorRef> Children => ChildrenSnapshot();

    public IActorRef? Child(string name)
    {
        lock (ChildrenLock)
            return _children is not null && _children.TryGetValue(name, out var stats) ? stats.Child : null;
    }

    public IActorRef ActorOf(Props props, string? name = null) => CreateChild(props, name, systemName: false);

    internal LocalActorRef CreateChild(Props props, string? name, bool systemName)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null)
        {
            name = GenerateName();
        }
        else if (ActorPath.ValidateName(name, systemName) is { } problem)
        {
            throw new InvalidActorNameException($"{problem} (under {SelfRef.Path})");
        }
        props.Validate();

        var uid = NewUid();
        var mailbox = new Dispatch.Mailbox(System.Settings.Throughput);
        var childRef = new LocalActorRef(System, SelfRef.Path.Child(name, uid), mailbox);
        var childCell = new ActorCell(System, childRef, props, SelfRef, mailbox);
        childRef.Cell = childCell;

        bool stopAtOnce;
        lock (ChildrenLock)
        {
            _children ??= new Dictionary<string, ChildRestartStats>(StringComparer.Ordinal);
            if (!_children.TryAdd(name, new ChildRestartStats(childRef)))
                throw new InvalidActorNameException($"actor name [{name}] is not unique under {SelfRef.Path}: stop the existing child first or choose another name");
            stopAtOnce = IsTerminating;
        }
        childCell.Start();
        if (stopAtOnce) childCell.SendSystemMessage(new Terminate());
        return childRef;
    }

    private static long NewUid()
    {
        long uid;
        do uid = Random.Shared.NextInt64(1, long.MaxValue);
        while (uid == 0);
        return uid;
    }

    private string GenerateName()
    {
        var n = Interlocked.Increment(ref _nextGeneratedName) - 1;
        Span<char> buffer = stackalloc char[12];
        var i = buffer.Length;
        do
        {
            buffer[--i] = NameChars[(int)(n & 63)];
            n >>= 6;
        } while (n != 0);
        buffer[--i] = '$';
        return new string(buffer[i..]);
    }

    /// <summary>Stops a child (or this actor itself) asynchronously.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is not IInternalActorRef internalRef) return;
        lock (ChildrenLock)
        {
            if (_children is not null && _children.TryGetValue(actor.Path.Name, out var stats) && stats.Child.Equals(actor))
                (_childrenToDie ??= []).Add(actor);
        }
        internalRef.SendSystemMessage(new Terminate());
    }

    internal IInternalActorRef[] ChildrenSnapshot()
    {
        lock (ChildrenLock)
        {
            if (_children is not { Count: > 0 }) return [];
            var result = new IInternalActorRef[_children.Count];
            var i = 0;
            foreach (var stats in _children.Values) result[i++] = stats.Child;
            return result;
        }
    }

    internal ChildRestartStats[] ChildrenStatsSnapshot()
    {
        lock (ChildrenLock) return _children is null ? [] : [.. _children.Values];
    }

    internal ChildRestartStats? GetChildStats(IActorRef child)
    {
        lock (ChildrenLock)
            return _children is not null && _children.TryGetValue(child.Path.Name, out var stats) && stats.Child.Equals(child)
                ? stats
                : null;
    }

    /// <summary>A child finished stopping: forget it, and finish our own stop or restart if we waited for it.</summary>
    private bool RemoveChild(IActorRef child)
    {
        bool removed, noneLeft, noneToDie;
        lock (ChildrenLock)
        {
            removed = _children is not null && _children.TryGetValue(child.Path.Name, out var stats)
                && stats.Child.Equals(child) && _children.Remove(child.Path.Name);
            if (removed) _childrenToDie?.Remove(child);
            noneLeft = _children is not { Count: > 0 };
            noneToDie = _childrenToDie is not { Count: > 0 };
        }
        if (!removed) return false;
        (Actor?.SupervisorStrategyInternal)?.HandleChildTerminated(this, child);
        if (_state == StateTerminating && noneLeft) FinishTerminate();
        else if (_state == StateRecreating && noneToDie) FinishRecreate(_recreateCause!);
        return true;
    }
}
