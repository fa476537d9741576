using System.Text.Json.Nodes;
using Akka.Actor;

namespace LlmSpell.Workflows.Execution;

/// <summary>One per node (<c>/user/workflows</c>): starts each run's coordinator and routes cancels and signals to it.</summary>
internal sealed class WorkflowSupervisor : ReceiveActor
{
    public sealed record StartRun(CoordinatorSpec Spec);
    public sealed record RunAccepted(string RunId);
    public sealed record CancelRun(string RunId, string Reason);
    public sealed record SignalRun(string RunId, string Signal, JsonNode? Payload);

    private readonly Dictionary<string, (IActorRef Coordinator, RunContext Run)> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _byCoordinator = [];

    public static Props Props() => Akka.Actor.Props.Create(() => new WorkflowSupervisor());

    public WorkflowSupervisor()
    {
        Receive<StartRun>(start =>
        {
            var runId = start.Spec.Run.RunId;
            if (_runs.ContainsKey(runId))
            {
                Sender.Tell(new Status.Failure(new InvalidOperationException($"A run with id '{runId}' is already active.")), Self);
                return;
            }
            IActorRef coordinator;
            try
            {
                coordinator = Context.ActorOf(WorkflowCoordinator.Props(start.Spec), CoordinatorName(runId));
            }
            catch (InvalidActorNameException ex)
            {
                // Thrown here, it would crash this supervisor, and its restart would stop every run of the node.
                Sender.Tell(new Status.Failure(new InvalidOperationException($"Run id '{runId}' cannot be used: {ex.Message}", ex)), Self);
                return;
            }
            Context.Watch(coordinator);
            _runs[runId] = (coordinator, start.Spec.Run);
            _byCoordinator[coordinator] = runId;
            Sender.Tell(new RunAccepted(runId), Self);
        });
        Receive<CancelRun>(cancel =>
        {
            if (!_runs.TryGetValue(cancel.RunId, out var run))
            {
                Sender.Tell(new Status.Failure(UnknownRun(cancel.RunId)), Self);
                return;
            }
            run.Coordinator.Tell(new WorkflowCoordinator.Cancel(cancel.Reason), Self);
            Sender.Tell(new Status.Success(null), Self);
        });
        Receive<SignalRun>(signal =>
        {
            if (!_runs.TryGetValue(signal.RunId, out var run))
            {
                Sender.Tell(new Status.Failure(UnknownRun(signal.RunId)), Self);
                return;
            }
            if (!run.Run.Waiters.TryGetValue(signal.Signal, out var waiter))
            {
                var waiting = run.Run.Waiters.Keys.Order(StringComparer.Ordinal).ToArray();
                Sender.Tell(new Status.Failure(new InvalidOperationException(
                    $"Run '{signal.RunId}' is not waiting for signal '{signal.Signal}' (it is waiting for: {(waiting.Length == 0 ? "no signal" : string.Join(", ", waiting))}).")), Self);
                return;
            }
            waiter.Forward(new WorkflowCoordinator.Signal(signal.Signal, signal.Payload));
        });
        Receive<Terminated>(t =>
        {
            if (_byCoordinator.Remove(t.ActorRef, out var runId)) _runs.Remove(runId);
        });
    }

    private static KeyNotFoundException UnknownRun(string runId) =>
        new($"No active run with id '{runId}'. It may have finished already; finished runs cannot be cancelled or signalled.");

    internal static string CoordinatorName(string runId)
    {
        var chars = runId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var name = "run-" + new string(chars);
        // Ids that differ only in replaced characters ("a/b", "a_b") must not get the same actor name.
        return chars.AsSpan().SequenceEqual(runId) ? name : $"{name}-{StableHash(runId):x8}";
    }

    // FNV-1a: stable across processes (string.GetHashCode is randomised per process).
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    // A coordinator that throws is a bug: stop it (its PostStop completes the run as cancelled) rather than restart it.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
