using System.Text.Json.Nodes;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>
/// A node's side of in-cluster messages: takes the messages of the runs the node holds a lease for (and of the node
/// itself), applies them through the node's engine and run operations, and answers. A message about a run the node
/// cannot act on gets an error answer, never silence.
/// <para>
/// Applying is idempotent per message id: a message is marked delivered, with its answer, in the transaction that locked
/// it. If the node died between applying and marking, the redelivered message is recognised: a cancel finds the run
/// cancelled already; a signal left a note (<c>cluster_applying</c>: how many signals the run had received) committed
/// before the engine applied it, and the run's journal then shows whether the next signal it received was this one.
/// </para>
/// </summary>
public sealed class InboxDispatcher : IAsyncDisposable
{
    private readonly IWorkflowEngine _engine;
    private readonly IWorkflowOperations _operations;
    private readonly Func<string, CancellationToken, Task>? _resumeRun;
    private readonly ILogger _logger;
    private readonly InboxReceiver _receiver;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    /// <remarks><c>resumeRun</c>: 
    /// Takes the lease of an unfinished run and resumes it on this node (the node's part, with its epochs); null: this node
    /// refuses <c>resume</c> requests.
    /// </remarks>
    public InboxDispatcher(NpgsqlDataSource dataSource, string schema, string nodeName, IWorkflowEngine engine, IWorkflowOperations operations,
        ILogger? logger = null, InboxOptions? options = null, Func<string, CancellationToken, Task>? resumeRun = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        NodeName = nodeName;
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _operations = operations ?? throw new ArgumentNullException(nameof(operations));
        _resumeRun = resumeRun;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _schema = schema;
        _receiver = new InboxReceiver(dataSource, schema, nodeName, ownsRuns: true, HandleAsync, options, _logger);
    }

    public string NodeName { get; }

    /// <summary>The safety sweeps its receiver ran.</summary>
    public int Sweeps => _receiver.Sweeps;

    /// <summary>Starts taking messages; returns once it listens.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _receiver.StartAsync(cancellationToken);

    /// <summary>Takes pending messages now: call it when a run's lease has just moved to this node.</summary>
    public void Wake() => _receiver.Wake();

    private async Task HandleAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        var message = delivery.Message;
        JsonObject answer;
        try
        {
            answer = message.Target.StartsWith(InboxTarget.RunPrefix, StringComparison.Ordinal)
                ? await ApplyToRunAsync(message.Target[InboxTarget.RunPrefix.Length..], delivery, cancellationToken).ConfigureAwait(false)
                : await ApplyToNodeAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or RunJournalException or ArgumentException or ClusterException)
        {
            answer = ClusterWire.Failure(NodeName, ex.Message);
        }
        await delivery.ReplyAsync(answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> ApplyToRunAsync(string runId, InboxDelivery delivery, CancellationToken cancellationToken)
    {
        var message = delivery.Message;
        switch (RunMessage.FromWire(message.Kind, message.Payload))
        {
            case RunMessage.GetStatus:
                var summary = await _operations.GetSummaryAsync(runId, cancellationToken).ConfigureAwait(false);
                return ClusterWire.Success(NodeName, new RunStatusReply(runId, summary.WorkflowName, summary.State, summary.StartedAt, summary.EndedAt,
                    summary.EventCount, summary.Error, NodeName));
            case RunMessage.Cancel cancel:
                return await CancelAsync(runId, cancel, cancellationToken).ConfigureAwait(false);
            case RunMessage.Signal signal:
                return await SignalAsync(runId, signal, delivery, cancellationToken).ConfigureAwait(false);
            default:
                return ClusterWire.Failure(NodeName, $"node {NodeName} does not know the message kind '{message.Kind}' for a run (it knows: status, cancel, signal); is every node on the same LlmSpell version?");
        }
    }

    private async Task<JsonObject> CancelAsync(string runId, RunMessage.Cancel cancel, CancellationToken cancellationToken)
    {
        try
        {
            await _engine.CancelAsync(runId, cancel.Reason, cancellationToken).ConfigureAwait(false);
            return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"run {runId} cancelled on node {NodeName}"));
        }
        catch (KeyNotFoundException)
        {
            // Already cancelled (this message applied before a crash, or another cancel): the wanted state holds.
            var summary = await _operations.GetSummaryAsync(runId, cancellationToken).ConfigureAwait(false);
            if (summary.State == RunState.Cancelled)
                return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"run {runId} was already cancelled ({summary.Error})"));
            return ClusterWire.Failure(NodeName, $"run {runId} has already finished ({summary.State}); only unfinished runs can be cancelled");
        }
    }

    private async Task<JsonObject> SignalAsync(string runId, RunMessage.Signal signal, InboxDelivery delivery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(signal.Name)) return ClusterWire.Failure(NodeName, "the signal message names no signal");
        var messageId = delivery.Message.MessageId;
        var received = (await _operations.GetHistoryAsync(runId, cancellationToken).ConfigureAwait(false))
            .Select(e => e.Event).OfType<SignalReceived>().ToArray();
        try
        {
            if (await SignalsBeforeAsync(messageId, cancellationToken).ConfigureAwait(false) is { } before)
            {
                // An earlier attempt died after its note: this node takes a run's messages one at a time, so the first
                // signal the run received after the note is this message's, if it went in at all.
                if (received.Length > before && received[before].Signal == signal.Name)
                    return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"run {runId} already received signal '{signal.Name}' from this message"));
            }
            else await NoteApplyingAsync(messageId, runId, received.Length, cancellationToken).ConfigureAwait(false);
            await _engine.SignalAsync(runId, signal.Name, signal.Payload, cancellationToken).ConfigureAwait(false);
            return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"signal '{signal.Name}' delivered to run {runId} on node {NodeName}"));
        }
        finally
        {
            // The note goes with the delivery mark: both commit, or neither.
            await using var forget = new NpgsqlCommand($"DELETE FROM {_schema}.cluster_applying WHERE message_id = $1", delivery.Connection, delivery.Transaction);
            forget.Parameters.AddWithValue(messageId);
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int?> SignalsBeforeAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var read = _dataSource.CreateCommand($"SELECT signals_before FROM {_schema}.cluster_applying WHERE message_id = $1");
        read.Parameters.AddWithValue(messageId);
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int before ? before : null;
    }

    // Committed on its own connection before the engine acts: it must outlive a crash of this node.
    private async Task NoteApplyingAsync(Guid messageId, string runId, int signalsBefore, CancellationToken cancellationToken)
    {
        await using var note = _dataSource.CreateCommand(
            $"INSERT INTO {_schema}.cluster_applying (message_id, run_id, signals_before) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING");
        note.Parameters.AddWithValue(messageId);
        note.Parameters.AddWithValue(runId);
        note.Parameters.AddWithValue(signalsBefore);
        await note.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> ApplyToNodeAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        if (message.Kind != ClusterWire.ResumeKind)
            return ClusterWire.Failure(NodeName, $"node {NodeName} does not take '{message.Kind}' messages (it takes: resume)");
        var runId = message.Payload["run_id"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(runId)) return ClusterWire.Failure(NodeName, "the resume message names no run (field run_id)");
        if (_resumeRun is null) return ClusterWire.Failure(NodeName, $"node {NodeName} cannot take runs over (it was started without run ownership)");
        var summary = await _operations.GetSummaryAsync(runId, cancellationToken).ConfigureAwait(false);
        if (summary.State != RunState.Unfinished)
            return ClusterWire.Failure(NodeName, $"run {runId} has already finished ({summary.State}); only unfinished runs can be resumed");
        await _resumeRun(runId, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Node {Node} resumed run {RunId} on request", NodeName, runId);
        return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"run {runId} resumes on node {NodeName}"));
    }

    public ValueTask DisposeAsync() => _receiver.DisposeAsync();
}
