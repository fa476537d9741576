using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Actors;

/// <summary>Settings of an actor system; every default lives here.</summary>
public sealed record ActorSystemSettings
{
    public static readonly ActorSystemSettings Default = new();

    /// <summary>Messages an actor processes per turn on a thread before yielding it (Akka uses 30).</summary>
    public int Throughput { get; init; } = 30;

    /// <summary>The timeout of an Ask that names none; asks never hang forever.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many dead letters are logged before further ones are only counted.</summary>
    public int LogDeadLetters { get; init; } = 10;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The clock of the scheduler, timers and ask timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How the /user guardian supervises top-level actors.</summary>
    public SupervisorStrategy GuardianStrategy { get; init; } = SupervisorStrategy.DefaultStrategy;

    /// <summary>Run coordinated shutdown when the process exits (SIGTERM, end of Main).</summary>
    public bool RunCoordinatedShutdownOnProcessExit { get; init; } = true;

    /// <summary>Default timeout of each coordinated-shutdown phase.</summary>
    public TimeSpan ShutdownPhaseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ActorSystemSettings WithThroughput(int throughput) =>
        throughput >= 1 ? this with { Throughput = throughput } : throw new ArgumentOutOfRangeException(nameof(throughput), throughput, "Throughput must be at least 1.");

    public ActorSystemSettings WithAskTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? this with { AskTimeout = timeout } : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The ask timeout must be positive.");

    public ActorSystemSettings WithLoggerFactory(ILoggerFactory loggerFactory) => this with { LoggerFactory = loggerFactory };

    public ActorSystemSettings WithTimeProvider(TimeProvider timeProvider) => this with { TimeProvider = timeProvider };

    public ActorSystemSettings WithGuardianStrategy(SupervisorStrategy strategy) => this with { GuardianStrategy = strategy };

    public ActorSystemSettings WithRunCoordinatedShutdownOnProcessExit(bool run) => this with { RunCoordinatedShutdownOnProcessExit = run };

    public ActorSystemSettings WithShutdownPhaseTimeout(TimeSpan timeout) => this with { ShutdownPhaseTimeout = timeout };
}
