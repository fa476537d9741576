using System.Text.Json.Nodes;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>A message to a run, wherever it lives; see <see cref="WorkflowRef"/>.</summary>
public abstract record RunMessage
{
    internal abstract string Kind { get; }

    internal abstract JsonObject ToPayload();

    /// <summary>The message in an inbox row; null for a kind this build does not know.</summary>
    internal static RunMessage? FromWire(string kind, JsonNode payload) => kind switch
    {
        ClusterWire.StatusKind => GetStatus.Instance,
        ClusterWire.CancelKind => new Cancel(payload["reason"]?.GetValue<string>() ?? "cancelled by request"),
        ClusterWire.SignalKind => new Signal(payload["signal"]?.GetValue<string>() ?? "", payload["payload"]?.DeepClone()),
        _ => null,
    };

    /// <summary>Asks where the run stands; answered with <see cref="RunStatusReply"/>.</summary>
    public sealed record GetStatus : RunMessage
    {
        public static readonly GetStatus Instance = new();

        internal override string Kind => ClusterWire.StatusKind;

        internal override JsonObject ToPayload() => [];
    }

    /// <summary>Cancels the run (as <c>IWorkflowEngine.CancelAsync</c>); answered with <see cref="Acknowledged"/>.</summary>
    public sealed record Cancel(string Reason) : RunMessage
    {
        internal override string Kind => ClusterWire.CancelKind;

        internal override JsonObject ToPayload() => new() { ["reason"] = Reason };
    }

    /// <summary>Delivers a signal to the run's waiting wait step (as <c>IWorkflowEngine.SignalAsync</c>); answered with <see cref="Acknowledged"/>.</summary>
    public sealed record Signal(string Name, JsonNode? Payload) : RunMessage
    {
        internal override string Kind => ClusterWire.SignalKind;

        internal override JsonObject ToPayload() => new() { ["signal"] = Name, ["payload"] = Payload?.DeepClone() };
    }
}

/// <summary>A run's state as its owning node reads it from the journal.</summary>
public sealed record RunStatusReply(string RunId, string Workflow, RunState State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, long EventCount, string? Error, string Node);

/// <summary>The node applied the message; <see cref="Detail"/> says what happened.</summary>
public sealed record Acknowledged(string Node, string Detail);
