namespace LlmSpell.Actors.Testing;

/// <summary>
/// Base class of actor tests for xunit: a fresh <see cref="ActorSystem"/> per test, a <see cref="TestKitBase.TestActor"/>
/// that is the implicit sender of messages the test tells, and expectations with timeouts (no sleeps).
/// </summary>
public abstract class TestKit : TestKitBase, Xunit.IAsyncLifetime
{
    private static long _systems;

    protected TestKit(ActorSystemSettings? settings = null, string? systemName = null)
        : base(CreateSystem(settings, systemName), "testActor")
    {
        Sys.ExternalSender = TestActor;
    }

    private static ActorSystem CreateSystem(ActorSystemSettings? settings, string? name) =>
        ActorSystem.Create(name ?? $"test{Interlocked.Increment(ref _systems)}",
            (settings ?? ActorSystemSettings.Default).WithRunCoordinatedShutdownOnProcessExit(false));

    /// <summary>How long to wait for the system to stop after a test.</summary>
    protected virtual TimeSpan ShutdownTimeout => Dilated(TimeSpan.FromSeconds(10));

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        try
        {
            await Sys.Terminate().WaitAsync(ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TestKitAssertionException($"The actor system {Sys.Name} did not terminate within {ShutdownTimeout.TotalSeconds:0} s after the test.");
        }
    }
}
