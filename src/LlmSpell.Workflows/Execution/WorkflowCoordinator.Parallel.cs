using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Routing;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Execution;

// Parallel: scatter branches to a pool router bounded by max_concurrency, gather their outcomes.
// A branch is dispatched as soon as a slot frees, so no branch ever waits on a slow sibling.
internal sealed partial class WorkflowCoordinator
{
    /// <summary>A branch's outcome, relayed by the pool's runner.</summary>
    public sealed record BranchFinished(string Branch, CoordinatorOutcome Outcome);

    private IActorRef? _pool;
    private Queue<BranchDefinition>? _pendingBranches;
    private Dictionary<string, BranchDefinition>? _runningBranches;
    private JsonObject? _branchOutputs;
    private string? _requiredBranchError;
    private bool _optionalBranchFailed;

    private IReadOnlyList<BranchDefinition> ParallelBranches => _definition.Branches.Count > 0
        ? _definition.Branches
        : _definition.Steps.Select(s => new BranchDefinition { Name = s.Name, Steps = [s] }).ToArray();

    // Below one, nothing would ever be dispatched and the pattern would wait for its timeout: run one at a time.
    private int ConcurrencyLimit => Math.Max(1, _definition.Config.MaxConcurrency);

    private void StartParallel()
    {
        var branches = ParallelBranches;
        _pendingBranches = new Queue<BranchDefinition>(branches);
        _runningBranches = [];
        _branchOutputs = [];
        var size = Math.Max(1, Math.Min(ConcurrencyLimit, branches.Count));
        // Branch runners never fail by themselves; if one does, stop it (its branch then counts as failed).
        _pool = Context.ActorOf(BranchRunner.Props
            .WithRouter(new RoundRobinPool(size).WithSupervisorStrategy(Akka.Actor.SupervisorStrategy.StoppingStrategy)), "pool");
        Context.Watch(_pool);
        DispatchBranches();
    }

    private void DispatchBranches()
    {
        while (!_finished && _pendingBranches!.Count > 0 && _runningBranches!.Count < ConcurrencyLimit)
        {
            var branch = _pendingBranches.Dequeue();
            _runningBranches[branch.Name] = branch;
            var definition = new WorkflowDefinition
            {
                Name = branch.Name,
                Type = WorkflowType.Sequential,
                Steps = branch.Steps,
                // The pattern's own timeout is this coordinator's to enforce: a branch given a copy of it would
                // race the pattern's timer and turn a timed-out pattern into a failed one.
                Config = _definition.Config with { Timeout = branch.Timeout ?? System.Threading.Timeout.InfiniteTimeSpan },
                Workflows = _definition.Workflows,
            };
            var spec = new CoordinatorSpec(_run, definition, _scope with { BranchName = branch.Name },
                Combine(_spec.Path, branch.Name), _spec.NamedWorkflows, IsRoot: false);
            _pool!.Tell(new BranchRunner.RunBranch(branch.Name, spec), Self);
        }
        if (_pendingBranches!.Count == 0 && _runningBranches!.Count == 0) FinishParallel();
    }

    private void OnBranchFinished(BranchFinished msg)
    {
        if (_finished)
        {
            if (_runningBranches?.Remove(msg.Branch) == true) Drained(msg.Outcome.Steps);
            return;
        }
        if ( _runningBranches is null || !_runningBranches.Remove(msg.Branch, out var branch)) return;
        var outcome = msg.Outcome;
        _results.AddRange(outcome.Steps);
        MergeChild(outcome);
        // The branch's output joins the parallel step's without a copy when nothing holds it as a child yet (a JSON node has one
        // parent; its step result keeps it too, and everything else that embeds outputs copies them): nested parallel workflows
        // copied every level's outputs into the level above, 270 MB of 21,780 steps 90 levels deep.
        _branchOutputs![branch.Name] = outcome.Output is { Parent: null } own ? own : outcome.Output?.DeepClone();
        if (outcome.Status == RunStatus.PartiallyCompleted) _failureTolerated = true;
        if (outcome.Status is not (RunStatus.Completed or RunStatus.PartiallyCompleted))
        {
            var error = $"branch '{branch.Name}' {StatusNames.Of(outcome.Status)}: {outcome.Error}";
            if (branch.Required)
            {
                _requiredBranchError ??= error;
                if (_definition.Config.FailFast)
                {
                    // Fail fast: the branches still running are cancelled (their tokens fire as they stop).
                    Finish(RunStatus.Failed, OrderedBranchOutputs(), error);
                    return;
                }
            }
            else
            {
                _optionalBranchFailed = true;
            }
        }
        DispatchBranches();
    }

    /// <summary>Tells the branches still running to cancel; their outcomes are awaited (<see cref="Drained"/>).</summary>
    private void CancelRunningBranches()
    {
        if (_pool is null || _runningBranches is not { Count: > 0 }) return;
        _draining += _runningBranches.Count;
        _pool.Tell(new Broadcast(new Cancel("a sibling branch failed or the workflow ended")), Self);
    }

    private void FinishParallel()
    {
        var outputs = OrderedBranchOutputs();
        if (_requiredBranchError is not null) Finish(RunStatus.Failed, outputs, _requiredBranchError);
        else if (_optionalBranchFailed && !_definition.Config.ContinueOnOptionalFailure) Finish(RunStatus.PartiallyCompleted, outputs, "an optional branch failed");
        else Finish(EndStatus, outputs, null);
    }

    // Branches finish in any order; their outputs are shown in the order the workflow declares them.
    private JsonObject OrderedBranchOutputs()
    {
        var byName = _branchOutputs!.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _branchOutputs!.Clear(); // detaches the outputs, so that the ordered object may own them
        var ordered = new JsonObject();
        foreach (var branch in ParallelBranches)
            if (byName.TryGetValue(branch.Name, out var output)) ordered[branch.Name] = output;
        return _branchOutputs = ordered;
    }
}

/// <summary>A routee of a parallel workflow's pool: runs a branch as a child coordinator and relays its outcome.</summary>
internal sealed class BranchRunner : UntypedActor
{
    public sealed record RunBranch(string Branch, CoordinatorSpec Spec);

    private readonly Dictionary<IActorRef, (string Branch, IActorRef ReplyTo)> _running = [];

    public static readonly Props Props = ActorProps.Of(() => new BranchRunner());

    private BranchRunner()
    {
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RunBranch run:
                var child = Context.ActorOf(WorkflowCoordinator.Props(run.Spec));
                Context.Watch(child);
                _running[child] = (run.Branch, Sender);
                break;
            case WorkflowCoordinator.Cancel cancel:
                foreach (var running in _running.Keys) running.Tell(cancel, Self);
                break;
            case WorkflowCoordinator.Finished finished:
                if (!_running.Remove(Sender, out var done)) return;
                Context.Unwatch(Sender);
                done.ReplyTo.Tell(new WorkflowCoordinator.BranchFinished(done.Branch, finished.Outcome), Self);
                break;
            case Terminated t:
                if (!_running.Remove(t.ActorRef, out var lost)) return;
                lost.ReplyTo.Tell(new WorkflowCoordinator.BranchFinished(lost.Branch, new CoordinatorOutcome(
                    RunStatus.Failed, null, new Dictionary<string, JsonNode?>(), [], "the branch's coordinator stopped unexpectedly")), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // A branch coordinator that throws is a bug, not a step failure: stop it and report the branch failed.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
