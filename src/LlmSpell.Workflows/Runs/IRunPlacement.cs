using Akka.Actor;

namespace LlmSpell.Workflows.Runs;

/// <summary>
/// Where a workflow engine's runs live. Without one they are children of the node's runs actor; a cluster (LlmSpell.Cluster)
/// places each run as a sharded entity, so that any node reaches it by id and a surviving node takes it over.
/// </summary>
public interface IRunPlacement
{
    /// <summary>
    /// Starts the place runs live in (e.g. a shard region) on <paramref name="system"/>, whose actor for one run id is made by
    /// <paramref name="entities"/>; returns the actor that takes every run message (<see cref="StartRun"/> with a
    /// <see cref="StartRun.RunId"/>, and every <see cref="IRunMessage"/>) and delivers it to that run's actor.
    /// </summary>
    IActorRef Start(ActorSystem system, RunEntities entities);
}
