using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Shutdown;

/// <summary>
/// Ordered shutdown: named phases run one after another, the tasks of a phase concurrently,
/// each phase bounded by a timeout. Runs once, on <see cref="ActorSystem.Terminate"/> or on process exit;
/// the last phase stops every actor.
/// </summary>
public sealed class CoordinatedShutdown
{
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";
    public const string PhaseServiceUnbind = "service-unbind";
    public const string PhaseServiceRequestsDone = "service-requests-done";
    public const string PhaseServiceStop = "service-stop";
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    /// <summary>The phases in the order they run.</summary>
    public static readonly IReadOnlyList<string> Phases =
    [
        PhaseBeforeServiceUnbind, PhaseServiceUnbind, PhaseServiceRequestsDone, PhaseServiceStop,
        PhaseBeforeActorSystemTerminate, PhaseActorSystemTerminate,
    ];

    /// <summary>Why shutdown runs.</summary>
    public abstract class Reason
    {
        public override string ToString() => GetType().Name;
    }

    public sealed class ActorSystemTerminateReason : Reason
    {
        public static readonly ActorSystemTerminateReason Instance = new();
    }

    public sealed class ProcessExitReason : Reason
    {
        public static readonly ProcessExitReason Instance = new();
    }

    public sealed class UnknownReason : Reason
    {
        public static readonly UnknownReason Instance = new();
    }

    private readonly ActorSystem _system;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Task)>> _tasks = new();
    private readonly Dictionary<string, TimeSpan> _timeouts = new();
    private Task? _run;
    private Reason? _reason;
    private readonly EventHandler? _onProcessExit;

    internal CoordinatedShutdown(ActorSystem system)
    {
        _system = system;
        if (system.Settings.RunCoordinatedShutdownOnProcessExit)
        {
            _onProcessExit = (_, _) => RunOnProcessExit();
            AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
        }
    }

    /// <summary>The reason shutdown was started with, or null while it has not started.</summary>
    public Reason? ShutdownReason => _reason;

    /// <summary>Adds a task to a phase; tasks of one phase run concurrently.</summary>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        if (!Phases.Contains(phase))
            throw new ArgumentException($"Unknown shutdown phase [{phase}]; the phases are: {string.Join(", ", Phases)}.", nameof(phase));
        lock (_gate)
        {
            if (_run is not null) throw new InvalidOperationException($"Cannot add task [{taskName}]: coordinated shutdown has already started.");
            if (!_tasks.TryGetValue(phase, out var list)) _tasks[phase] = list = [];
            list.Add((taskName, task));
        }
    }

    /// <summary>Overrides the timeout of one phase.</summary>
    public void SetPhaseTimeout(string phase, TimeSpan timeout)
    {
        if (!Phases.Contains(phase)) throw new ArgumentException($"Unknown shutdown phase [{phase}].", nameof(phase));
        lock (_gate) _timeouts[phase] = timeout;
    }

    /// <summary>Runs all phases once; later calls return the same task.</summary>
    public Task Run(Reason reason)
    {
        lock (_gate)
        {
            if (_run is not null) return _run;
            _reason = reason;
            _run = RunPhasesAsync(reason);
            return _run;
        }
    }

    private async Task RunPhasesAsync(Reason reason)
    {
        await Task.Yield();
        _system.Log.LogInformation("Coordinated shutdown of {System} started: {Reason}", _system.Name, reason);
        foreach (var phase in Phases)
        {
            List<(string Name, Func<CancellationToken, Task> Task)> tasks;
            TimeSpan timeout;
            lock (_gate)
            {
                tasks = _tasks.TryGetValue(phase, out var list) ? [.. list] : [];
                timeout = _timeouts.TryGetValue(phase, out var t) ? t : _system.Settings.ShutdownPhaseTimeout;
            }
            if (phase == PhaseActorSystemTerminate) tasks.Add(("terminate-actor-system", _ => _system.FinalTerminate()));
            if (tasks.Count == 0) continue;
            using var cts = new CancellationTokenSource(timeout, _system.Settings.TimeProvider);
            var running = tasks.Select(t => RunTaskAsync(phase, t.Name, t.Task, cts.Token)).ToArray();
            try
            {
                await Task.WhenAll(running).WaitAsync(timeout, _system.Settings.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _system.Log.LogWarning("Shutdown phase [{Phase}] timed out after {Timeout}; continuing with the next phase", phase, timeout);
                // The token's own timer may not have fired yet, and disposing does not cancel:
                // tell the tasks still running to give up.
                try
                {
                    cts.Cancel();
                }
                catch (AggregateException ex)
                {
                    _system.Log.LogError(ex, "A cancellation callback of shutdown phase [{Phase}] threw", phase);
                }
            }
        }
    }

    private async Task RunTaskAsync(string phase, string name, Func<CancellationToken, Task> task, CancellationToken ct)
    {
        try
        {
            await task(ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _system.Log.LogError(ex, "Shutdown task [{Task}] in phase [{Phase}] failed; shutdown continues", name, phase);
        }
    }

    private void RunOnProcessExit()
    {
        // ProcessExit is synchronous: block this (exiting) thread until shutdown finishes or times out.
        using var done = new ManualResetEventSlim();
        Run(ProcessExitReason.Instance).ContinueWith(_ => done.Set(), TaskScheduler.Default);
        done.Wait(_system.Settings.ShutdownPhaseTimeout * Phases.Count);
    }

    internal void Detach()
    {
        if (_onProcessExit is not null) AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
    }
}
