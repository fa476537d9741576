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
    private readonly NpgsqlConnection? _connection;
    private readonly NpgsqlTransaction? _transaction;

    /// <remarks>Without a connection: a message already marked delivered when read (a client's answers).</remarks>
    internal InboxDelivery(InboxMessage message, ClusterInbox inbox, NpgsqlConnection? connection, NpgsqlTransaction? transaction)
    {
        Message = message;
        _inbox = inbox;
        _connection = connection;
        _transaction = transaction;
    }

    public InboxMessage Message { get; }

    /// <summary>The connection and transaction that hold the message: statements on them commit with its delivery.</summary>
    internal NpgsqlConnection Connection => _connection ?? throw new InvalidOperationException("This message was delivered when it was read: nothing commits with it.");

    internal NpgsqlTransaction Transaction => _transaction ?? throw new InvalidOperationException("This message was delivered when it was read: nothing commits with it.");

    /// <summary>
    /// Answers to the message's <see cref="InboxMessage.ReplyTo"/> (nothing for a tell). The answer is sent with the
    /// delivery mark, in the same round trip and transaction.
    /// </summary>
    public Task ReplyAsync(JsonObject payload, CancellationToken cancellationToken = default)
    {
        if (Message.ReplyTo is null) return Task.CompletedTask;
        if (_connection is null) throw new InvalidOperationException("This message was delivered when it was read: answer it with a message of its own.");
        payload[ClusterWire.InReplyTo] = Message.MessageId.ToString();
        Replies.Add(_inbox.SendCommand(Message.ReplyTo, ClusterWire.ReplyKind, payload, replyTo: null, Guid.NewGuid()));
        return Task.CompletedTask;
    }

    /// <summary>The answers to send when the message is marked delivered.</summary>
    internal List<NpgsqlBatchCommand> Replies { get; } = [];
}
