using System.Reflection;
using LlmSpell.Actors.Routing;

namespace LlmSpell.Actors;

/// <summary>An immutable recipe for creating an actor: its type or factory, and its router.</summary>
public sealed class Props
{
    private readonly Func<ActorBase>? _factory;
    private readonly object?[] _args;
    private ConstructorInfo? _constructor;
    private string? _validationError;
    private bool _validated;

    private Props(Type type, Func<ActorBase>? factory, object?[] args, RouterConfig? router)
    {
        Type = type;
        _factory = factory;
        _args = args;
        RouterConfig = router;
    }

    /// <summary>The actor's type.</summary>
    public Type Type { get; }

    /// <summary>When set, <c>ActorOf</c> creates a router with routees made from these props.</summary>
    public RouterConfig? RouterConfig { get; }

    /// <summary>Props for <typeparamref name="T"/> created through a constructor matching <paramref name="args"/>.</summary>
    public static Props Create<T>(params object?[] args) where T : ActorBase => new(typeof(T), null, args, null);

    /// <summary>Props whose actor is made by a factory lambda (the fastest way to spawn).</summary>
    public static Props Create<T>(Func<T> factory) where T : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(T), factory, [], null);
    }

    /// <summary>Props for an actor type known only at run time.</summary>
    public static Props Create(Type type, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Props(type, null, args, null);
    }

    /// <summary>These props with a router; the routees are made from the props without it.</summary>
    public Props WithRouter(RouterConfig router)
    {
        ArgumentNullException.ThrowIfNull(router);
        return new(Type, _factory, _args, router);
    }

    internal Props WithoutRouter() => RouterConfig is null ? this : new(Type, _factory, _args, null);

    /// <summary>Fails at ActorOf (not later, on the actor's thread) when no constructor fits.</summary>
    internal void Validate()
    {
        if (RouterConfig is not null || _factory is not null) return;
        if (!_validated)
        {
            _validationError = FindConstructor();
            _validated = true;
        }
        if (_validationError is not null) throw new InvalidPropsException(_validationError);
    }

    private string? FindConstructor()
    {
        if (!typeof(ActorBase).IsAssignableFrom(Type))
            return $"Props for type {Type.FullName}: it is not an actor (derive from ReceiveActor or ActorBase).";
        if (Type.IsAbstract)
            return $"Props for type {Type.FullName}: it is abstract and cannot be created.";
        foreach (var ctor in Type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length != _args.Length) continue;
            var fits = true;
            for (var i = 0; i < parameters.Length && fits; i++)
            {
                var p = parameters[i].ParameterType;
                fits = _args[i] is null ? !p.IsValueType || Nullable.GetUnderlyingType(p) is not null : p.IsInstanceOfType(_args[i]);
            }
            if (fits)
            {
                _constructor = ctor;
                return null;
            }
        }
        var given = _args.Length == 0 ? "no arguments" : string.Join(", ", _args.Select(a => a?.GetType().Name ?? "null"));
        return $"Props for type {Type.FullName}: no constructor accepts ({given}). Add such a constructor or pass matching arguments to Props.Create.";
    }

    internal ActorBase NewActor(ActorCell cell)
    {
        if (RouterConfig is not null) return new RouterActor(RouterConfig, WithoutRouter());
        if (_factory is not null)
            return _factory() ?? throw new InvalidPropsException($"The factory in Props for {Type.FullName} returned null.");
        Validate();
        try
        {
            return (ActorBase)_constructor!.Invoke(_args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new ActorInitializationException(cell.Self, $"Constructor of {Type.FullName} threw: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    public override string ToString() => $"Props({Type.Name}{(RouterConfig is null ? "" : $", {RouterConfig}")})";
}
