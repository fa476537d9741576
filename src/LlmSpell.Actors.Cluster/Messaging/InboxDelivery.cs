using System.Text.Json.Nodes;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>
/// A message being handled. Its row stays locked until the handler returns; then it is marked delivered in the same
/// transaction as the replies the handler sent, so an answer goes out exactly when the message counts as handled.
/// </summary>
public sealed class InboxDelivery
{
    private readonly ClusterInbox _inbox;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    internal InboxDelivery(InboxMessage message, ClusterInbox inbox, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Message = message;
        _inbox = inbox;
        _connection = connection;
        _transaction = transaction;
    }

    public InboxMessage Message { get; }

    /// <summary>The connection and transaction that hold the message: statements on them commit with its delivery.</summary>
    internal NpgsqlConnection Connection => _connection;

    internal NpgsqlTransaction Transaction => _transaction;

    /// <summary>Sends <paramref name="payload"/> to the message's <see cref="InboxMessage.ReplyTo"/> (nothing for a tell).</summary>
    public Task ReplyAsync(JsonObject payload, CancellationToken cancellationToken = default)
    {
        if (Message.ReplyTo is null) return Task.CompletedTask;
        payload[ClusterWire.InReplyTo] = Message.MessageId.ToString();
        return _inbox.SendAsync(_connection, _transaction, Message.ReplyTo, ClusterWire.ReplyKind, payload, replyTo: null, Guid.NewGuid(), cancellationToken);
    }
}
