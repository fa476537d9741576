using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>
/// Puts messages in the cluster inbox (<c>cluster_inbox</c>). The insert and its NOTIFY share one transaction, so a
/// receiver woken by the notification always finds the row. A message to a run notifies only the node that holds the
/// run's lease (<c>node:&lt;owner&gt;</c>), so the other nodes stay asleep; a node that takes a lease over takes that
/// run's pending messages on its own (<see cref="InboxReceiver.Wake"/>). A message id is accepted once: sending it again (a retry
/// after a lost answer) is a no-op, which is what makes redelivery and resending safe.
/// </summary>
public sealed class ClusterInbox
{
    private readonly NpgsqlDataSource _dataSource;

    public ClusterInbox(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        Schema = schema;
        Channel = ClusterChannels.InboxOf(schema);
    }

    public string Schema { get; }

    /// <summary>The channel receivers LISTEN on.</summary>
    public string Channel { get; }

    /// <summary>Sends a message; returns false when a message with this id was sent before (nothing is sent again).</summary>
    /// <remarks>
    /// <c>durable</c> false commits without waiting for the WAL flush (<c>synchronous_commit off</c>): for an ask, whose
    /// answer is its confirmation: a message lost with a crashed server only makes the ask time out.
    /// </remarks>
    public async Task<bool> SendAsync(string target, string kind, JsonNode payload, string? replyTo, Guid messageId, CancellationToken cancellationToken = default,
        bool durable = true) =>
        (await SendReportingOwnerAsync(target, kind, payload, replyTo, messageId, durable, cancellationToken).ConfigureAwait(false)).Sent;

    /// <summary>Sends, and says which node held the target run's lease when it was sent (null: none, or not a run).</summary>
    internal async Task<(bool Sent, string? Owner)> SendReportingOwnerAsync(string target, string kind, JsonNode payload, string? replyTo, Guid messageId, bool durable,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One round trip: the statements of a batch run in one implicit transaction.
        await using var batch = new NpgsqlBatch(connection);
        if (!durable) batch.BatchCommands.Add(AsynchronousCommit());
        batch.BatchCommands.Add(SendCommand(target, kind, payload, replyTo, messageId));
        return await SentAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends inside the caller's transaction: it is sent (and notified) only if that transaction commits.</summary>
    public async Task<bool> SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, string kind, JsonNode payload, string? replyTo, Guid messageId,
        CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(SendCommand(target, kind, payload, replyTo, messageId));
        return (await SentAsync(batch, cancellationToken).ConfigureAwait(false)).Sent;
    }

    /// <summary>Makes the current transaction commit without waiting for the WAL flush.</summary>
    internal static NpgsqlBatchCommand AsynchronousCommit() => new("SELECT set_config('synchronous_commit', 'off', true)");

    internal NpgsqlBatchCommand SendCommand(string target, string kind, JsonNode payload, string? replyTo, Guid messageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        var command = new NpgsqlBatchCommand(
            $"""
            WITH sent AS (
                INSERT INTO {Schema}.cluster_inbox (message_id, target, kind, payload, reply_to) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (message_id) DO NOTHING RETURNING target)
            SELECT pg_notify($6, COALESCE('node:' || lease.owner, sent.target)), lease.owner FROM sent
            LEFT JOIN {Schema}.run_leases lease ON starts_with(sent.target, 'run:') AND lease.run_id = substr(sent.target, 5)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = payload.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)replyTo ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        return command;
    }

    // The send's statement returns a row when the message was new; the other statements of the batch are settings.
    private static async Task<(bool Sent, string? Owner)> SentAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sent = false;
        string? owner = null;
        do
        {
            var isSend = reader.FieldCount == 2 && reader.GetName(0) == "pg_notify";
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!isSend) continue;
                sent = true;
                owner = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        return (sent, owner);
    }

    /// <summary>
    /// Withdraws a message nobody has taken yet (an ask that timed out must not act later); false when it was delivered
    /// or is being handled right now.
    /// </summary>
    public async Task<bool> WithdrawAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            DELETE FROM {Schema}.cluster_inbox WHERE id IN (
                SELECT id FROM {Schema}.cluster_inbox WHERE message_id = $1 AND delivered_at IS NULL FOR UPDATE SKIP LOCKED)
            """);
        command.Parameters.AddWithValue(messageId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Deletes every message to <paramref name="target"/> (a client leaving: answers that came too late).</summary>
    public async Task DeleteForAsync(string target, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"DELETE FROM {Schema}.cluster_inbox WHERE target = $1");
        command.Parameters.AddWithValue(target);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets delivered messages older than <paramref name="age"/>: their ids are no longer deduplicated after that.</summary>
    public async Task<int> PruneDeliveredAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"DELETE FROM {Schema}.cluster_inbox WHERE delivered_at IS NOT NULL AND delivered_at < now() - $1");
        command.Parameters.AddWithValue(age);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
