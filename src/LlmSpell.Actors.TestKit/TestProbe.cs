namespace LlmSpell.Actors.Testing;

/// <summary>An extra test actor with its own queue of expectations (<see cref="Ref"/> is the actor).</summary>
public sealed class TestProbe : TestKitBase
{
    private static long _count;

    internal TestProbe(ActorSystem system, string? name)
        : base(system, name ?? $"testProbe{Interlocked.Increment(ref _count)}") { }

    /// <summary>The probe's actor, to pass where an <see cref="IActorRef"/> is expected.</summary>
    public IActorRef Ref => TestActor;

    public override string ToString() => $"TestProbe {Ref.Path}";
}
