namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>A node refused a message (unknown run, a signal the run does not wait for, …); the message says why.</summary>
public class ClusterMessageException(string message, string? node = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The node that answered; null when none did.</summary>
    public string? Node { get; } = node;
}

/// <summary>Nobody answered an ask in time.</summary>
public sealed class ClusterAskTimeoutException(string message) : ClusterMessageException(message);

/// <summary>The run has no owner in the cluster (no lease): no node runs it, so a message to it would wait forever.</summary>
public sealed class RunNotOwnedException(string message) : ClusterMessageException(message);
