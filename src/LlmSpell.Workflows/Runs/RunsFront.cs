using Akka.Actor;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// The runs actor of a node whose runs are placed elsewhere (<see cref="IRunPlacement"/>): gives a <see cref="StartRun"/>
/// without an id its id here — a placement finds a run by id — and passes every message on to the placement.
/// </summary>
internal sealed class RunsFront : ReceiveActor
{
    public static Props Props(IActorRef placed, Func<string> newRunId) => ActorProps.Of(() => new RunsFront(placed, newRunId));

    private RunsFront(IActorRef placed, Func<string> newRunId)
    {
        Receive<StartRun>(start => placed.Forward(start.RunId is null ? start with { RunId = newRunId() } : start));
        ReceiveAny(placed.Forward);
    }
}
