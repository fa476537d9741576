using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>
/// Takes a node's messages from the cluster inbox: those to <c>node:&lt;name&gt;</c> and, when it owns runs, those to
/// <c>run:&lt;id&gt;</c> for every run whose lease names it (a message waits for whichever node holds the lease, so it
/// follows a run that moved). One dedicated connection LISTENs; a notification, the start, a reconnect or the slow
/// safety sweep makes it take pending messages one by one with <c>FOR UPDATE SKIP LOCKED</c>. A message is marked
/// delivered in the transaction that locked it, after its handler returned: at-least-once, and never handled twice at
/// the same time. A handler that throws leaves its message for a later attempt.
/// </summary>
public sealed class InboxReceiver : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ClusterInbox _inbox;
    private readonly string _nodeTarget;
    private readonly bool _ownsRuns;
    private readonly Func<InboxDelivery, CancellationToken, Task> _handler;
    private readonly InboxOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;
    private Task _draining = Task.CompletedTask;
    private int _started;

    /// <summary>
    /// Answers to a client are marked delivered as they are read, many in one statement: handling one only completes a
    /// waiting ask in memory, and a client that dies loses its asks anyway.
    /// </summary>
    internal bool TakeOnRead { get; init; }

    /// <remarks><c>ownsRuns</c>: Whether it also takes the messages of the runs leased to <paramref name="nodeName"/> (a node, not a client).</remarks>
    public InboxReceiver(NpgsqlDataSource dataSource, string schema, string nodeName, bool ownsRuns,
        Func<InboxDelivery, CancellationToken, Task> handler, InboxOptions? options = null, ILogger? logger = null)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _inbox = new ClusterInbox(dataSource, schema);
        NodeName = nodeName;
        _nodeTarget = InboxTarget.Node(nodeName);
        _ownsRuns = ownsRuns;
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = options ?? InboxOptions.Default;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public string NodeName { get; }

    /// <summary>How many safety sweeps ran (the specs check that a delivery did not need one).</summary>
    public int Sweeps { get; private set; }

    /// <summary>Starts listening; returns once LISTEN is in place (throws if the first connection fails), with pending messages being taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException($"The inbox receiver of '{NodeName}' was started already.");
        var first = await ListenAsync(cancellationToken).ConfigureAwait(false);
        _listening = Task.Run(() => ListenLoopAsync(first));
        _draining = Task.Run(DrainLoopAsync);
        Wake();
    }

    /// <summary>Takes pending messages now, e.g. when a run's lease just moved to this node.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Notification += (_, e) =>
            {
                // A run's message names its owner; one to a run without a lease (yet) may become any node's.
                if (e.Payload == _nodeTarget || (_ownsRuns && e.Payload.StartsWith(InboxTarget.RunPrefix, StringComparison.Ordinal))) Wake();
            };
            await using var listen = new NpgsqlCommand($"LISTEN \"{_inbox.Channel}\"", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ListenLoopAsync(NpgsqlConnection first)
    {
        var connection = first;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                connection ??= await ListenAsync(token).ConfigureAwait(false);
                // Whatever was sent while no one listened is taken now.
                Wake();
                while (true) await connection.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Inbox of {Node}: the listening connection failed; listening again in {Delay}", NodeName, _options.ReconnectDelay);
                try
                {
                    await Task.Delay(_options.ReconnectDelay, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }
        }
    }

    private async Task DrainLoopAsync()
    {
        var token = _stop.Token;
        var lastPrune = DateTimeOffset.MinValue;
        while (!token.IsCancellationRequested)
        {
            try
            {
                using (var sweep = CancellationTokenSource.CreateLinkedTokenSource(token))
                {
                    sweep.CancelAfter(_options.SafetySweep);
                    try
                    {
                        await _wake.Reader.ReadAsync(sweep.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        Sweeps++;
                    }
                }
                token.ThrowIfCancellationRequested();
                var failed = new List<long>();
                if (TakeOnRead) while (await TakeManyAsync(token).ConfigureAwait(false)) { }
                else while (await TakeNextAsync(failed, token).ConfigureAwait(false)) { }
                // Nodes keep the table small; short-lived clients (a CLI command) leave it to them.
                if (_ownsRuns && DateTimeOffset.UtcNow - lastPrune > _options.SafetySweep)
                {
                    lastPrune = DateTimeOffset.UtcNow;
                    await _inbox.PruneDeliveredAsync(_options.RetainDelivered, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is unreachable, or was for a moment: try again shortly rather than at the next sweep.
                _logger.LogWarning(ex, "Inbox of {Node}: taking messages failed; trying again in {Delay}", NodeName, _options.ReconnectDelay);
                try
                {
                    await Task.Delay(_options.ReconnectDelay, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                Wake();
            }
        }
    }

    private const int TakeLimit = 64;

    // Marked delivered in the statement that reads them; true when there may be more.
    private async Task<bool> TakeManyAsync(CancellationToken cancellationToken)
    {
        var messages = new List<InboxMessage>();
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(ClusterInbox.AsynchronousCommit());
            var take = new NpgsqlBatchCommand(
                $"""
                UPDATE {_inbox.Schema}.cluster_inbox SET delivered_at = now() WHERE id IN (
                    SELECT id FROM {_inbox.Schema}.cluster_inbox WHERE delivered_at IS NULL AND target = $1 ORDER BY id LIMIT {TakeLimit} FOR UPDATE SKIP LOCKED)
                RETURNING id, message_id, target, kind, payload::text, reply_to, created_at
                """);
            take.Parameters.Add(new NpgsqlParameter { Value = _nodeTarget });
            batch.BatchCommands.Add(take);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) messages.Add(Read(reader));
        }
        foreach (var message in messages.OrderBy(m => m.Id))
        {
            try
            {
                await _handler(new InboxDelivery(message, _inbox, null, null), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Inbox of {Node}: handling message {MessageId} ({Kind}) failed", NodeName, message.MessageId, message.Kind);
            }
        }
        return messages.Count == TakeLimit;
    }

    private static InboxMessage Read(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
            JsonNode.Parse(reader.GetString(4)) ?? new JsonObject(), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetFieldValue<DateTimeOffset>(6));

    // One message per transaction, so a slow handler holds only its own row; false when nothing (else) is pending.
    private async Task<bool> TakeNextAsync(List<long> failed, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        InboxMessage? message = null;
        await using (var select = new NpgsqlCommand(
            $"""
            SELECT id, message_id, target, kind, payload::text, reply_to, created_at FROM {_inbox.Schema}.cluster_inbox
            WHERE delivered_at IS NULL AND id <> ALL($3)
              AND (target = $1 OR ($4 AND starts_with(target, 'run:')
                   AND substr(target, 5) IN (SELECT run_id FROM {_inbox.Schema}.run_leases WHERE owner = $2)))
            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue(_nodeTarget);
            select.Parameters.AddWithValue(NodeName);
            select.Parameters.AddWithValue(failed.ToArray());
            select.Parameters.AddWithValue(_ownsRuns);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) message = Read(reader);
        }
        if (message is null) return false;
        var delivery = new InboxDelivery(message, _inbox, connection, transaction);
        try
        {
            await _handler(delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Inbox of {Node}: handling message {MessageId} ({Kind} to {Target}) failed; it stays pending", NodeName, message.MessageId, message.Kind, message.Target);
            failed.Add(message.Id);
            return true;
        }
        await using (var mark = new NpgsqlBatch(connection, transaction))
        {
            // The mark need not wait for the WAL flush: lost with a crashed server, the message is only delivered again,
            // which the handlers recognise. (Notes a handler must keep, it commits on their own, synchronously.)
            mark.BatchCommands.Add(ClusterInbox.AsynchronousCommit());
            foreach (var reply in delivery.Replies) mark.BatchCommands.Add(reply);
            var update = new NpgsqlBatchCommand($"UPDATE {_inbox.Schema}.cluster_inbox SET delivered_at = now() WHERE id = $1");
            update.Parameters.Add(new NpgsqlParameter { Value = message.Id });
            mark.BatchCommands.Add(update);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops listening and taking; a message being handled is left undelivered (it is taken again later).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_listening, _draining).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
