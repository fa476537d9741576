using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Events;
using Npgsql;

namespace LlmSpell.Actors.Cluster.Messaging;

/// <summary>
/// A run by id, wherever it lives: messages go to <c>run:&lt;id&gt;</c> in the cluster inbox and are taken by whichever node
/// holds the run's lease (also after the run moved); answers come back to the asking client.
/// </summary>
public sealed class WorkflowRef
{
    private readonly ClusterClient _client;

    internal WorkflowRef(ClusterClient client, string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        _client = client;
        RunId = runId;
    }

    public string RunId { get; }

    /// <summary>Sends without waiting for an answer (delivered at least once, applied once per message).</summary>
    public Task Tell(RunMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _client.TellAsync(InboxTarget.Run(RunId), message.Kind, message.ToPayload(), cancellationToken);
    }

    /// <summary>
    /// Sends and waits for the owning node's answer. Throws <see cref="RunNotOwnedException"/> when no node holds the run,
    /// <see cref="ClusterAskTimeoutException"/> when none answered within <paramref name="timeout"/>, and
    /// <see cref="ClusterMessageException"/> when the node refused the message.
    /// </summary>
    public async Task<TReply> Ask<TReply>(RunMessage message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reply = await _client.AskAsync(InboxTarget.Run(RunId), message.Kind, message.ToPayload(), timeout,
            $"run {RunId} did not answer within {ClusterClient.Describe(timeout)}: its node may be down; `llmspell node list` shows node health",
            cancellationToken,
            () => new RunNotOwnedException(
                $"run {RunId} is not owned by any node (no lease): no node runs it. `llmspell workflow show {RunId}` shows where it stands; an unfinished run is taken up by `llmspell workflow resume {RunId} --postgres …`."))
            .ConfigureAwait(false);
        return ClusterClient.Read<TReply>(reply);
    }

    /// <summary>
    /// The run's journaled events from <paramref name="fromSequenceNr"/>, live, until it ends — from any node: the shared
    /// journal is read, and a NOTIFY on each journal write wakes the reader (streamed text chunks are not journaled, so
    /// they are seen only on the run's own node). Throws <see cref="KeyNotFoundException"/> when the journal has no such run.
    /// </summary>
    public async IAsyncEnumerable<WorkflowEvent> WatchAsync(long fromSequenceNr = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequenceNr, 1);
        var persistenceId = RunJournal.PersistenceIdOf(RunId);
        var serializer = WorkflowJson.CreateEventSerializer();
        var grew = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Listening starts before the first read, so that no write between the read and the wait goes unnoticed.
        await using var connection = await _client.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (e.Payload == persistenceId) grew.Writer.TryWrite(true);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN \"{ClusterChannels.JournalOf(_client.Schema)}\"", connection))
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var waiting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await connection.WaitAsync(stop.Token).ConfigureAwait(false);
        }, CancellationToken.None);
        try
        {
            var next = fromSequenceNr;
            while (true)
            {
                await foreach (var repr in _client.Journal.ReplayAsync(persistenceId, next, long.MaxValue, long.MaxValue, cancellationToken).ConfigureAwait(false))
                {
                    next = repr.SequenceNr + 1;
                    var @event = (WorkflowEvent)serializer.DeserializeEvent(repr);
                    yield return @event;
                    if (RunRecord.IsTerminal(@event)) yield break;
                }
                if (next == 1) throw new KeyNotFoundException($"The journal has no run with id '{RunId}' (it never started, or it was purged).");
                if (waiting.IsFaulted) await waiting.ConfigureAwait(false);
                // A notification (or, should one be lost, a slow re-read) means: read on from 'next'.
                using var sweep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                sweep.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await grew.Reader.ReadAsync(sweep.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await waiting.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or ObjectDisposedException)
            {
            }
        }
    }
}
