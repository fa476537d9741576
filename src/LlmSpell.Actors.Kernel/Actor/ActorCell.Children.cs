namespace LlmSpell.Actors;

// Creating, finding and stopping children; the table is shared with other threads (ActorOf).
public sealed partial class ActorCell
{
    private const string NameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";

    private ChildrenContainer? _children;

    // The mailbox is private to this cell, so it can double as the lock (one object less per actor).
    private object ChildrenLock => Mailbox;

    /// <summary>Children by name; restart statistics only for children that have failed.</summary>
    private sealed class ChildrenContainer
    {
        public readonly Dictionary<string, LocalActorRef> Refs = new(StringComparer.Ordinal);
        public Dictionary<string, ChildRestartStats>? Stats;
        public HashSet<string>? Stopping; // children we asked to stop and that have not terminated yet
        public long NextGeneratedName;
    }

    /// <summary>True while a child this actor asked to stop has not terminated yet.</summary>
    internal bool HasStoppingChildren
    {
        get { lock (ChildrenLock) return _children?.Stopping is { Count: > 0 }; }
    }

    public IEnumerable<IActorRef> Children => ChildrenSnapshot();

    public IActorRef? Child(string name)
    {
        lock (ChildrenLock)
            return _children is not null && _children.Refs.TryGetValue(name, out var child) ? child : null;
    }

    public IActorRef ActorOf(Props props, string? name = null) => CreateChild(props, name, systemName: false);

    internal LocalActorRef CreateChild(Props props, string? name, bool systemName)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null)
        {
            lock (ChildrenLock) name = GenerateName(_children ??= new ChildrenContainer());
        }
        else if (ActorPath.ValidateName(name, systemName) is { } problem)
        {
            throw new InvalidActorNameException($"{problem} (under {SelfRef.Path})");
        }
        props.Validate();

        var uid = NewUid();
        var mailbox = new Dispatch.Mailbox(System.Settings.Throughput);
        var childRef = new LocalActorRef(SelfRef.Path.Child(name, uid));
        var childCell = new ActorCell(System, childRef, props, SelfRef, mailbox);
        childRef.Cell = childCell;

        bool stopAtOnce;
        lock (ChildrenLock)
        {
            _children ??= new ChildrenContainer();
            if (!_children.Refs.TryAdd(name, childRef))
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

    private static string GenerateName(ChildrenContainer children)
    {
        var n = children.NextGeneratedName++;
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
        // A restart waits for the children we stop (e.g. in PreRestart), not for those we keep.
        lock (ChildrenLock)
            if (_children is not null && _children.Refs.TryGetValue(actor.Path.Name, out var child) && child.Equals(actor))
                (_children.Stopping ??= new HashSet<string>(StringComparer.Ordinal)).Add(actor.Path.Name);
        internalRef.SendSystemMessage(new Terminate());
    }

    internal IInternalActorRef[] ChildrenSnapshot()
    {
        lock (ChildrenLock)
        {
            if (_children is not { Refs.Count: > 0 }) return [];
            var result = new IInternalActorRef[_children.Refs.Count];
            var i = 0;
            foreach (var child in _children.Refs.Values) result[i++] = child;
            return result;
        }
    }

    internal ChildRestartStats[] ChildrenStatsSnapshot()
    {
        lock (ChildrenLock) return _children is null ? [] : [.. _children.Refs.Values.Select(StatsOf)];
    }

    /// <summary>The restart statistics of a current child, or null if it is not (or no longer) our child.</summary>
    internal ChildRestartStats? GetChildStats(IActorRef child)
    {
        lock (ChildrenLock)
            return _children is not null && _children.Refs.TryGetValue(child.Path.Name, out var current) && current.Equals(child)
                ? StatsOf(current)
                : null;
    }

    private ChildRestartStats StatsOf(LocalActorRef child)
    {
        var stats = _children!.Stats ??= new Dictionary<string, ChildRestartStats>(StringComparer.Ordinal);
        if (!stats.TryGetValue(child.Path.Name, out var s) || !s.Child.Equals(child))
            stats[child.Path.Name] = s = new ChildRestartStats(child);
        return s;
    }

    /// <summary>A child finished stopping: forget it, and finish our own stop or restart if we waited for it.</summary>
    private bool RemoveChild(IActorRef child)
    {
        bool removed, noneLeft, noneStopping;
        lock (ChildrenLock)
        {
            removed = _children is not null && _children.Refs.TryGetValue(child.Path.Name, out var current)
                && current.Equals(child) && _children.Refs.Remove(child.Path.Name);
            if (removed)
            {
                _children!.Stats?.Remove(child.Path.Name);
                _children.Stopping?.Remove(child.Path.Name);
            }
            noneLeft = _children is not { Refs.Count: > 0 };
            noneStopping = _children?.Stopping is not { Count: > 0 };
        }
        if (!removed) return false;
        (Actor?.SupervisorStrategyInternal)?.HandleChildTerminated(this, child);
        if (_state == StateTerminating && noneLeft) FinishTerminate();
        else if (_state == StateRecreating && noneStopping) FinishRecreate(_fault!.RecreateCause!);
        return true;
    }
}
