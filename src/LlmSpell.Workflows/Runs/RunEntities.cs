using Akka.Actor;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// Makes the actor of one run id for an <see cref="IRunPlacement"/>: it takes the public protocol for that run, continues the
/// run at once if the journal holds it unfinished (a node took over its shard), and asks its parent to let it go once the run
/// has ended and nothing more is pending.
/// </summary>
public sealed class RunEntities
{
    private readonly RunsSettings _settings;

    internal RunEntities(RunsSettings settings) => _settings = settings;

    /// <summary>Whether the engine journals its runs: a run's entity needs that to move between nodes.</summary>
    public bool IsDurable => _settings.Durable is not null;

    /// <summary>
    /// The actor of run <paramref name="runId"/>. It tells its parent <paramref name="passivate"/> once its run has ended and
    /// nothing is pending; the parent then sends it <see cref="StopWhenIdle"/> (a sharded entity: <c>Passivate(StopWhenIdle)</c>).
    /// </summary>
    public Props Props(string runId, object passivate) =>
        RunsActor.Props(_settings with { Entity = new RunsActor.EntityOf(runId, passivate) });

    /// <summary>Stops a run's actor once no run is active in it (a run that started meanwhile ends first).</summary>
    public static object StopWhenIdle => RunsActor.StopWhenIdle.Instance;

    /// <summary>
    /// Stops a run's actor when its node hands its shard to another (or leaves): the attempts running end and are journaled, nothing
    /// more starts, and the run stays unfinished in the journal for its next actor to continue — no step runs twice, unless it
    /// outlasts the hand-off's time limit.
    /// </summary>
    public static object HandOff => RunsActor.HandOff.Instance;
}
