using System.Collections.Concurrent;

namespace LlmSpell.Actors.Event;

/// <summary>
/// Publish/subscribe by message type across the actor system; a subscriber to a base type
/// receives its subtypes. Subscribers that stop are removed automatically.
/// </summary>
public sealed class EventStream
{
    private readonly object _gate = new();
    private (Type Channel, IActorRef Subscriber)[] _subscriptions = [];
    private readonly ConcurrentDictionary<Type, IActorRef[]> _cache = new();
    private IActorRef? _unsubscriber;

    /// <summary>Subscribes <paramref name="subscriber"/> to <paramref name="channel"/> and its subtypes; false if already subscribed.</summary>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            if (_subscriptions.Any(s => s.Channel == channel && s.Subscriber.Equals(subscriber))) return false;
            _subscriptions = [.. _subscriptions, (channel, subscriber)];
            _cache.Clear();
        }
        _unsubscriber?.Tell(new EventStreamUnsubscriber.Register(subscriber), ActorRefs.NoSender);
        return true;
    }

    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Removes one subscription; false if there was none.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        lock (_gate)
        {
            var kept = _subscriptions.Where(s => !(s.Channel == channel && s.Subscriber.Equals(subscriber))).ToArray();
            if (kept.Length == _subscriptions.Length) return false;
            _subscriptions = kept;
            _cache.Clear();
            return true;
        }
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            var kept = _subscriptions.Where(s => !s.Subscriber.Equals(subscriber)).ToArray();
            if (kept.Length == _subscriptions.Length) return false;
            _subscriptions = kept;
            _cache.Clear();
            return true;
        }
    }

    /// <summary>Delivers <paramref name="event"/> to every subscriber of its type or a base type.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        if (!_cache.TryGetValue(type, out var targets))
        {
            lock (_gate)
            {
                targets = _subscriptions.Where(s => s.Channel.IsAssignableFrom(type)).Select(s => s.Subscriber).Distinct().ToArray();
                _cache[type] = targets;
            }
        }
        foreach (var target in targets) target.Tell(@event, ActorRefs.NoSender);
    }

    internal void StartUnsubscriber(IActorRef unsubscriber)
    {
        IActorRef[] existing;
        lock (_gate)
        {
            _unsubscriber = unsubscriber;
            existing = _subscriptions.Select(s => s.Subscriber).Distinct().ToArray();
        }
        foreach (var s in existing) unsubscriber.Tell(new EventStreamUnsubscriber.Register(s), ActorRefs.NoSender);
    }
}

/// <summary>Watches subscribers and removes them from the stream when they stop.</summary>
internal sealed class EventStreamUnsubscriber : ReceiveActor
{
    public sealed record Register(IActorRef Subscriber);

    public EventStreamUnsubscriber(EventStream stream)
    {
        Receive<Register>(r => Context.Watch(r.Subscriber));
        Receive<Terminated>(t => stream.Unsubscribe(t.ActorRef));
    }
}
