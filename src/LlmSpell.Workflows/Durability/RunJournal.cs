using LlmSpell.Actors.Persistence;
using LlmSpell.Workflows.Events;

namespace LlmSpell.Workflows.Durability;

/// <summary>
/// The journal of one durable run (persistence id <c>run-&lt;id&gt;</c>), shared by all its coordinators.
/// Appends are ordered and group-committed: events appended while a write is in flight go out together
/// in the next write. Each append's task completes when its event is durable; once a write fails
/// (another writer took the sequence numbers, the store is down) every later append fails too, so
/// nothing is written out of order.
/// </summary>
internal sealed class RunJournal
{
    private readonly IJournal _journal;
    private readonly IEventSerializer _serializer;
    private readonly object _gate = new();
    private List<(PersistentRepr Repr, TaskCompletionSource Done)> _pending = [];
    private long _sequenceNr;
    private bool _writing;
    private TaskCompletionSource _idle = CompletedSource();
    private bool _closed;
    private Exception? _failure;

    public RunJournal(string runId, IJournal journal, IEventSerializer serializer, long highestSequenceNr)
    {
        RunId = runId;
        PersistenceId = PersistenceIdOf(runId);
        _journal = journal;
        _serializer = serializer;
        _sequenceNr = highestSequenceNr;
    }

    public const string Prefix = "run-";

    public static string PersistenceIdOf(string runId) => Prefix + runId;

    public string RunId { get; }
    public string PersistenceId { get; }

    /// <summary>Whether the event is part of the durable record (streamed text and the in-memory start event are not).</summary>
    public static bool IsJournaled(WorkflowEvent @event) => @event is not (StepProgress or StepStalled or RunStarted);

    /// <summary>Appends the event; the task completes when it is durable (or fails with the write's error).</summary>
    public Task AppendAsync(WorkflowEvent @event)
    {
        var serialized = _serializer.Serialize(@event);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            if (_failure is not null) return Task.FromException(_failure);
            if (_closed) return Task.CompletedTask;
            var repr = new PersistentRepr(PersistenceId, ++_sequenceNr, serialized.Manifest, serialized.Payload, @event.Timestamp);
            _pending.Add((repr, done));
            start = !_writing;
            if (start) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writing = true;
        }
        if (start) _ = Task.Run(FlushAsync);
        return done.Task;
    }

    /// <summary>No more writes: the engine stops with the run unfinished, which must stay resumable.</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
    }

    /// <summary>Completes when every event appended so far has been written (or has failed).</summary>
    public Task WhenIdle()
    {
        lock (_gate) return _idle.Task;
    }

    private static TaskCompletionSource CompletedSource()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<(PersistentRepr Repr, TaskCompletionSource Done)> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    _idle.TrySetResult();
                    return;
                }
                batch = _pending;
                _pending = [];
            }
            try
            {
                await _journal.WriteAsync(batch.Select(b => b.Repr).ToArray(), CancellationToken.None).ConfigureAwait(false);
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception ex)
            {
                List<(PersistentRepr Repr, TaskCompletionSource Done)> rest;
                lock (_gate)
                {
                    _failure = new RunJournalException($"Writing the journal of run '{RunId}' failed at sequence number {batch[0].Repr.SequenceNr}: {ex.Message}", ex);
                    rest = _pending;
                    _pending = [];
                    _writing = false;
                    _idle.TrySetResult();
                }
                foreach (var (_, done) in batch.Concat(rest)) done.TrySetException(_failure);
                return;
            }
        }
    }
}

/// <summary>A durable run's journal could not be written or read; the message names the run and, where known, the sequence number.</summary>
public sealed class RunJournalException(string message, Exception? inner = null) : Exception(message, inner);
