using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>The JSON of in-cluster messages: kinds and field names shared by senders and receivers.</summary>
public static class ClusterWire
{
    public const string StatusKind = "status";
    public const string CancelKind = "cancel";
    public const string SignalKind = "signal";
    public const string ResumeKind = "resume";
    public const string ReplyKind = "reply";

    public const string InReplyTo = "in_reply_to";
    public const string Ok = "ok";
    public const string Node = "node";
    public const string Result = "result";
    public const string Error = "error";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A successful answer from <paramref name="node"/>.</summary>
    public static JsonObject Success(string node, object result) => new()
    {
        [Ok] = true,
        [Node] = node,
        [Result] = JsonSerializer.SerializeToNode(result, result.GetType(), Options),
    };

    /// <summary>A refusal from <paramref name="node"/>: the message could not be applied, and why.</summary>
    public static JsonObject Failure(string node, string error) => new()
    {
        [Ok] = false,
        [Node] = node,
        [Error] = error,
    };
}
