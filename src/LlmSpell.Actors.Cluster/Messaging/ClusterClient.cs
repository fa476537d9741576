using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Actors.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>Who holds a run's lease, and whether that node's heartbeat is current.</summary>
public sealed record RunOwner(string RunId, string Node, long Epoch, bool NodeAlive);

/// <summary>
/// A sender of in-cluster messages from any process (a node, a CLI, a service): it has an inbox address of its own
/// (<c>node:&lt;name&gt;</c>) where answers to its asks arrive, correlated by message id.
/// <code>await using var client = await ClusterClient.StartAsync(dataSource, schema, journal);
/// var status = await client.Run(runId).Ask&lt;RunStatusReply&gt;(RunMessage.GetStatus.Instance, TimeSpan.FromSeconds(5));</code>
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ILogger _logger;
    private InboxReceiver? _receiver;
    private ClusterStore? _ownedStore;

    private ClusterClient(NpgsqlDataSource dataSource, string schema, IJournal journal, string name, ILogger logger)
    {
        _dataSource = dataSource;
        Schema = schema;
        Journal = journal;
        Name = name;
        Inbox = new ClusterInbox(dataSource, schema);
        _logger = logger;
    }

    /// <summary>Starts a client listening for its answers; <paramref name="name"/> defaults to an ephemeral <c>client-…</c>.</summary>
    /// <remarks><c>journal</c>: The cluster's shared journal (a <c>PostgresStore</c>'s on the same schema), read by <see cref="WorkflowRef.WatchAsync"/>.</remarks>
    public static async Task<ClusterClient> StartAsync(NpgsqlDataSource dataSource, string schema, IJournal journal, string? name = null,
        InboxOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(journal);
        var client = new ClusterClient(dataSource, schema, journal, name ?? "client-" + Guid.NewGuid().ToString("N")[..12],
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        client._receiver = new InboxReceiver(dataSource, schema, client.Name, ownsRuns: false, client.OnReplyAsync, options, client._logger) { TakeOnRead = true };
        try
        {
            await client._receiver.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client._receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return client;
    }

    /// <summary>
    /// Connects to the cluster at <paramref name="options"/> from any process that is not a node (a service, a tool):
    /// opens the shared journal (fenced: this client may write a run only while no node owns it) and the cluster tables,
    /// and listens for its answers. Disposing the client closes them.
    /// <code>await using var cluster = await ClusterClient.ConnectAsync(new ClusterOptions(conn));
    /// var status = await cluster.Run(runId).Ask&lt;RunStatusReply&gt;(RunMessage.GetStatus.Instance, TimeSpan.FromSeconds(5));</code>
    /// </summary>
    public static async Task<ClusterClient> ConnectAsync(ClusterOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var store = await ClusterStore.OpenAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await StartAsync(store.DataSource, store.Schema, store.Journal.Journal, logger: logger, cancellationToken: cancellationToken).ConfigureAwait(false);
            client._ownedStore = store;
            return client;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>This client's name: answers go to <c>node:&lt;Name&gt;</c>.</summary>
    public string Name { get; }

    public string Schema { get; }

    public IJournal Journal { get; }

    public ClusterInbox Inbox { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>A reference to run <paramref name="runId"/>, wherever it runs.</summary>
    public WorkflowRef Run(string runId) => new(this, runId);

    /// <summary>The lease holder of <paramref name="runId"/>; null when no node holds it.</summary>
    public async Task<RunOwner?> OwnerOfAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT l.owner, l.epoch, COALESCE(n.expires_at > now() AND n.state = 'up', false)
            FROM {Schema}.run_leases l LEFT JOIN {Schema}.nodes n ON n.name = l.owner WHERE l.run_id = $1
            """);
        command.Parameters.AddWithValue(runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new RunOwner(runId, reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2))
            : null;
    }

    /// <summary>The live node owning the fewest runs, or null when no node's heartbeat is current.</summary>
    public Task<string?> LeastLoadedNodeAsync(CancellationToken cancellationToken = default) =>
        ClusterTables.LeastLoadedAsync(_dataSource, Schema, except: null, cancellationToken);

    /// <summary>Asks node <paramref name="node"/> to take over and resume the unfinished run <paramref name="runId"/>.</summary>
    public async Task<Acknowledged> ResumeOnAsync(string node, string runId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync(InboxTarget.Node(node), ClusterWire.ResumeKind, new JsonObject { ["run_id"] = runId }, timeout,
            $"node {node} did not answer within {Describe(timeout)}: it may be down; `llmspell node list` shows node health", cancellationToken).ConfigureAwait(false);
        return Read<Acknowledged>(reply);
    }

    /// <remarks><c>notOwned</c>: for a run, the error when no node held its lease as the ask was sent (the ask is withdrawn).</remarks>
    internal async Task<JsonObject> AskAsync(string target, string kind, JsonObject payload, TimeSpan timeout, string timeoutMessage, CancellationToken cancellationToken,
        Func<Exception>? notOwned = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var id = Guid.NewGuid();
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            // The answer confirms the ask: its message need not wait for the WAL flush.
            var (_, owner) = await Inbox.SendReportingOwnerAsync(target, kind, payload, InboxTarget.Node(Name), id, durable: false, cancellationToken).ConfigureAwait(false);
            // Without a lease nobody takes the message: say so now instead of after the timeout.
            if (owner is null && notOwned is not null)
            {
                await Inbox.WithdrawAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw notOwned();
            }
            JsonObject reply;
            try
            {
                reply = await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Not taken yet: withdrawn, so that a late node does not act on an ask its sender gave up on.
                await Inbox.WithdrawAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw new ClusterAskTimeoutException(timeoutMessage);
            }
            var node = reply[ClusterWire.Node]?.GetValue<string>();
            if (reply[ClusterWire.Ok]?.GetValue<bool>() != true)
                throw new ClusterMessageException(reply[ClusterWire.Error]?.GetValue<string>() ?? $"node {node} refused the message without saying why", node);
            return reply;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    internal Task TellAsync(string target, string kind, JsonObject payload, CancellationToken cancellationToken) =>
        Inbox.SendAsync(target, kind, payload, replyTo: null, Guid.NewGuid(), cancellationToken);

    internal static TReply Read<TReply>(JsonObject reply) =>
        reply[ClusterWire.Result].Deserialize<TReply>(ClusterWire.Options)
        ?? throw new ClusterMessageException($"node {reply[ClusterWire.Node]} answered without a {typeof(TReply).Name}");

    internal static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds:0.#} s" : $"{timeout.TotalMilliseconds:0} ms";

    private Task OnReplyAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        var message = delivery.Message;
        if (message.Kind == ClusterWire.ReplyKind && message.Payload is JsonObject reply
            && Guid.TryParse(reply[ClusterWire.InReplyTo]?.GetValue<string>(), out var inReplyTo)
            && _pending.TryGetValue(inReplyTo, out var answer))
        {
            answer.TrySetResult(reply);
        }
        else
        {
            // An answer to an ask that gave up, or a message a client does not take: delivered, so it is not retried.
            _logger.LogDebug("Client {Client}: dropped {Kind} message {MessageId}", Name, message.Kind, message.MessageId);
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops listening and deletes what was still addressed to this client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null) await _receiver.DisposeAsync().ConfigureAwait(false);
        foreach (var (_, answer) in _pending) answer.TrySetCanceled();
        try
        {
            await Inbox.DeleteForAsync(InboxTarget.Node(Name)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _logger.LogDebug(ex, "Client {Client}: could not delete its leftover messages", Name);
        }
        if (_ownedStore is not null) await _ownedStore.DisposeAsync().ConfigureAwait(false);
    }
}
