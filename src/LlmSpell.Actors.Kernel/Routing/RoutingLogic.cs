using System.Text;

namespace LlmSpell.Actors.Routing;

/// <summary>Chooses the routee for a message; runs on the router's thread only.</summary>
internal abstract class RoutingLogic
{
    /// <summary>The routee for <paramref name="message"/>; null when none fits (the router then dead-letters it).</summary>
    public abstract IActorRef? Select(object message, IReadOnlyList<IActorRef> routees);

    /// <summary>Why <see cref="Select"/> found no routee for <paramref name="message"/>, for the log.</summary>
    public virtual string NoRouteeReason(object message) => $"no routee fits [{message.GetType().Name}]";

    /// <summary>Called when the routee set changes.</summary>
    public virtual void RouteesChanged(IReadOnlyList<IActorRef> routees) { }
}

internal sealed class RoundRobinRoutingLogic : RoutingLogic
{
    private uint _next;

    public override IActorRef Select(object message, IReadOnlyList<IActorRef> routees) =>
        routees[(int)(_next++ % (uint)routees.Count)];
}

internal sealed class SmallestMailboxRoutingLogic : RoutingLogic
{
    public override IActorRef Select(object message, IReadOnlyList<IActorRef> routees)
    {
        IActorRef best = routees[0];
        var bestScore = long.MaxValue;
        foreach (var routee in routees)
        {
            if (routee is not LocalActorRef local) continue;
            long score;
            if (local.IsSuspended)
            {
                // As in Akka: a suspended routee (failed, or awaiting an async handler, which may take
                // as long as an LLM call) is the last choice, whatever its mailbox looks like.
                score = long.MaxValue - 1;
            }
            else
            {
                var queued = local.NumberOfMessages;
                if (queued == 0 && !local.IsProcessing) return routee; // idle: cannot do better
                // A busy routee counts as one more message than it has queued.
                score = queued + (local.IsProcessing ? 1 : 0);
            }
            if (score < bestScore)
            {
                bestScore = score;
                best = routee;
            }
        }
        return best;
    }
}

internal sealed class ConsistentHashingRoutingLogic(Func<object, object?>? hashMapping, int virtualNodesFactor) : RoutingLogic
{
    private (uint Hash, IActorRef Routee)[] _ring = [];

    public override void RouteesChanged(IReadOnlyList<IActorRef> routees)
    {
        var ring = new List<(uint, IActorRef)>(routees.Count * virtualNodesFactor);
        foreach (var routee in routees)
            for (var v = 0; v < virtualNodesFactor; v++)
                ring.Add((Hash($"{routee.Path}:{v}"), routee));
        ring.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        _ring = [.. ring];
    }

    // As in Akka: a message without a key is not a failure of the router; it goes to dead letters.
    public override IActorRef? Select(object message, IReadOnlyList<IActorRef> routees)
    {
        var key = message switch
        {
            IConsistentHashable h => h.ConsistentHashKey,
            _ => hashMapping?.Invoke(message),
        };
        if (key is null) return null;
        var hash = Hash(key.ToString() ?? "");
        var ring = _ring;
        var lo = 0;
        var hi = ring.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ring[mid].Hash < hash) lo = mid + 1;
            else hi = mid;
        }
        return ring[lo == ring.Length ? 0 : lo].Routee;
    }

    public override string NoRouteeReason(object message) =>
        $"a consistent-hashing router cannot route [{message.GetType().Name}]: implement IConsistentHashable, wrap it in ConsistentHashableEnvelope, or give the pool a hash mapping";

    // FNV-1a: stable across processes, unlike string.GetHashCode. FNV alone maps strings that differ
    // only at the end ("…/$a:3", "key-17") to nearby points, so the ring and the keys clump; the
    // MurmurHash3 finalizer spreads them over the whole ring.
    private static uint Hash(string s)
    {
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 16777619u;
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return h;
    }
}
