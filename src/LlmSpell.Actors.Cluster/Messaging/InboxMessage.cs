using System.Text.Json.Nodes;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>One message of the cluster inbox as a receiver gets it.</summary>
/// <remarks><c>Target</c>: <c>run:&lt;id&gt;</c> (read by the node holding the run's lease) or <c>node:&lt;name&gt;</c>.</remarks>
/// <remarks><c>ReplyTo</c>: The <c>node:&lt;name&gt;</c> that waits for an answer; null for a tell.</remarks>
public sealed record InboxMessage(long Id, Guid MessageId, string Target, string Kind, JsonNode Payload, string? ReplyTo, DateTimeOffset CreatedAt);

/// <summary>Inbox addresses.</summary>
public static class InboxTarget
{
    public const string RunPrefix = "run:";
    public const string NodePrefix = "node:";

    public static string Run(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return RunPrefix + runId;
    }

    public static string Node(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return NodePrefix + name;
    }
}
