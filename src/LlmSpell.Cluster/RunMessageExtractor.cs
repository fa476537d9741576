using Akka.Cluster.Sharding;
using LlmSpell.Workflows.Runs;

namespace LlmSpell.Cluster;

/// <summary>
/// Routes the public run protocol to the run's entity: the entity id is the run id (<see cref="IRunMessage.RunId"/>, or a
/// <see cref="StartRun"/>'s <see cref="StartRun.RunId"/>, which must be set when sent to the region or a proxy).
/// </summary>
public sealed class RunMessageExtractor() : HashCodeMessageExtractor(MaxShards)
{
    /// <summary>Shards of runs: about ten per node of the largest cluster expected, so that they spread evenly.</summary>
    public const int MaxShards = 100;

    public override string? EntityId(object message) => message switch
    {
        StartRun start => start.RunId,
        IRunMessage run => run.RunId,
        _ => null,
    };
}
