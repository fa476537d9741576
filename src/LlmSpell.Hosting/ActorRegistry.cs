using System.Collections.Concurrent;
using Akka.Actor;

namespace LlmSpell.Hosting;

/// <summary>Actor refs by key type, the way Akka.Hosting's registry hands actors to services.</summary>
public sealed class ActorRegistry
{
    private readonly ConcurrentDictionary<Type, IActorRef> _actors = new();
    private readonly ConcurrentDictionary<Type, TaskCompletionSource<IActorRef>> _waiting = new();

    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>; a key registers once.</summary>
    public void Register<TKey>(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!_actors.TryAdd(typeof(TKey), actor))
            throw new InvalidOperationException($"An actor is already registered under key {typeof(TKey).Name}.");
        Waiter(typeof(TKey)).TrySetResult(actor);
    }

    public bool TryGet<TKey>(out IActorRef actor) => _actors.TryGetValue(typeof(TKey), out actor!);

    /// <summary>The actor under <typeparamref name="TKey"/>; throws when none is registered.</summary>
    public IActorRef Get<TKey>() => _actors.TryGetValue(typeof(TKey), out var actor)
        ? actor
        : throw new KeyNotFoundException($"No actor is registered under key {typeof(TKey).Name}; register it with ActorRegistry.Register<{typeof(TKey).Name}>.");

    /// <summary>Completes when an actor is registered under <typeparamref name="TKey"/>.</summary>
    public Task<IActorRef> GetAsync<TKey>(CancellationToken cancellationToken = default) =>
        Waiter(typeof(TKey)).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource<IActorRef> Waiter(Type key) =>
        _waiting.GetOrAdd(key, _ => new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>An actor a service depends on, by key type; resolved from the <see cref="ActorRegistry"/>.</summary>
public interface IRequiredActor<TKey>
{
    /// <summary>The actor; throws if it is not registered yet.</summary>
    IActorRef ActorRef { get; }

    /// <summary>The actor once registered.</summary>
    Task<IActorRef> GetAsync(CancellationToken cancellationToken = default);
}

internal sealed class RequiredActor<TKey>(ActorRegistry registry) : IRequiredActor<TKey>
{
    public IActorRef ActorRef => registry.Get<TKey>();
    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => registry.GetAsync<TKey>(cancellationToken);
}

/// <summary>The key of the <c>/user/workflows</c> supervisor in the <see cref="ActorRegistry"/>.</summary>
public sealed class WorkflowSupervisorKey;
