using System.Runtime.CompilerServices;

namespace LlmSpell.Workflows.Events;

/// <summary>
/// The events of one run, kept so that any number of watchers can read them from the start,
/// live, until the run ends. Appends come from the run's coordinators.
/// </summary>
public sealed class RunEventLog
{
    private readonly List<WorkflowEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;

    public void Append(WorkflowEvent @event)
    {
        TaskCompletionSource changed;
        lock (_events)
        {
            if (_completed) return;
            _events.Add(@event);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>No more events: readers finish after the last one.</summary>
    public void Complete()
    {
        TaskCompletionSource changed;
        lock (_events)
        {
            _completed = true;
            changed = _changed;
        }
        changed.TrySetResult();
    }

    public IReadOnlyList<WorkflowEvent> Snapshot()
    {
        lock (_events) return [.. _events];
    }

    /// <summary>Every event from the first, then new ones as they come, until the run ends.</summary>
    public async IAsyncEnumerable<WorkflowEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = 0;
        while (true)
        {
            WorkflowEvent[] batch;
            Task changed;
            bool completed;
            lock (_events)
            {
                batch = _events.Count > next ? _events.GetRange(next, _events.Count - next).ToArray() : [];
                next = _events.Count;
                changed = _changed.Task;
                completed = _completed;
            }
            foreach (var e in batch) yield return e;
            if (completed && batch.Length == 0) yield break;
            if (batch.Length == 0) await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
