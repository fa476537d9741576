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
/// Applying is idempotent per message: a message is marked delivered with its answer once applied; if the node died
/// between applying and marking, the redelivered message is recognised from the journal (a cancel of a run already
/// cancelled, a signal the run already received after the message was sent) and answered without applying it again.
/// </para>
/// </summary>
public sealed class InboxDispatcher : IAsyncDisposable
{
    private readonly IWorkflowEngine _engine;
    private readonly IWorkflowOperations _operations;
    private readonly Func<string, CancellationToken, Task>? _resumeRun;
    private readonly ILogger _logger;
    private readonly InboxReceiver _receiver;

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
                ? await ApplyToRunAsync(message.Target[InboxTarget.RunPrefix.Length..], message, cancellationToken).ConfigureAwait(false)
                : await ApplyToNodeAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or RunJournalException or ArgumentException)
        {
            answer = ClusterWire.Failure(NodeName, ex.Message);
        }
        await delivery.ReplyAsync(answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> ApplyToRunAsync(string runId, InboxMessage message, CancellationToken cancellationToken)
    {
        switch (RunMessage.FromWire(message.Kind, message.Payload))
        {
            case RunMessage.GetStatus:
                var summary = await _operations.GetSummaryAsync(runId, cancellationToken).ConfigureAwait(false);
                return ClusterWire.Success(NodeName, new RunStatusReply(runId, summary.WorkflowName, summary.State, summary.StartedAt, summary.EndedAt,
                    summary.EventCount, summary.Error, NodeName));
            case RunMessage.Cancel cancel:
                return await CancelAsync(runId, cancel, cancellationToken).ConfigureAwait(false);
            case RunMessage.Signal signal:
                return await SignalAsync(runId, signal, message.CreatedAt, cancellationToken).ConfigureAwait(false);
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

    private async Task<JsonObject> SignalAsync(string runId, RunMessage.Signal signal, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(signal.Name)) return ClusterWire.Failure(NodeName, "the signal message names no signal");
        try
        {
            await _engine.SignalAsync(runId, signal.Name, signal.Payload, cancellationToken).ConfigureAwait(false);
            return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"signal '{signal.Name}' delivered to run {runId} on node {NodeName}"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            // Not waiting for it (or not active) now: if the journal shows it received this signal after the message was
            // sent, this is a redelivery of a message already applied.
            var history = await _operations.GetHistoryAsync(runId, cancellationToken).ConfigureAwait(false);
            if (history.Any(e => e.Event is SignalReceived r && r.Signal == signal.Name && e.Timestamp >= sentAt))
                return ClusterWire.Success(NodeName, new Acknowledged(NodeName, $"run {runId} already received signal '{signal.Name}'"));
            throw;
        }
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
