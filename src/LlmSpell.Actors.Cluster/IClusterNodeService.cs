namespace LlmSpell.Actors.Cluster;

/// <summary>
/// A service that runs for a node's lifetime (e.g. the inbox dispatcher applying messages to the runs the node owns):
/// started once the node is up, its token cancelled when the node leaves, and awaited before the node hands its runs over.
/// </summary>
public interface IClusterNodeService
{
    Task StartAsync(ClusterNode node, CancellationToken cancellationToken);
}
