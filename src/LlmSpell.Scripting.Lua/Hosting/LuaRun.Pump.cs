namespace LlmSpell.Scripting.Lua.Hosting;

// The script thread blocks on engine tasks (Template.execute, wf:execute); meanwhile it runs the Lua work other
// threads hand it (custom steps and Lua tools run by actors, progress callbacks), since a Lua state is single-threaded.
public sealed partial class LuaRun
{
    /// <summary>Waits for <paramref name="task"/> on the script thread, running queued Lua work meanwhile.</summary>
    public T Wait<T>(Task<T> task)
    {
        Pump(task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for <paramref name="task"/> on the script thread (see <see cref="Wait{T}"/>).</summary>
    public void Wait(Task task)
    {
        Pump(task);
        task.GetAwaiter().GetResult();
    }

    private void Pump(Task task)
    {
        EnsureScriptThread();
        if (!task.IsCompleted)
        {
            task.ContinueWith(_ => Post(new WorkItem(() => { }, _ => { })), TaskScheduler.Default);
            // A cancelled script stops waiting at once; what it waited for is cancelled by its own token.
            using var wake = CancellationToken.Register(() => Post(new WorkItem(() => { }, _ => { })));
            while (!task.IsCompleted)
            {
                CancellationToken.ThrowIfCancellationRequested();
                // A Lua callback run meanwhile spent the budget: the script is over, whatever it waits for.
                if (_stopped is not null) throw new OperationCanceledException(_stopped);
                _work.Take().Run();
            }
        }
        // Work queued before the task ended (its last progress events) still runs before the script goes on.
        while (_work.TryTake(out var work)) work.Run();
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the script thread: at once when called there, else queued for the thread to
    /// run while it waits. The task fails if the script has ended.
    /// </summary>
    public Task<T> OnScriptThread<T>(Func<T> call)
    {
        if (Thread.CurrentThread == _thread) return Task.FromResult(call());
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new WorkItem(
            () =>
            {
                try { done.TrySetResult(call()); }
                catch (Exception e) { done.TrySetException(e); }
            },
            reason => done.TrySetException(reason)));
        return done.Task;
    }

    /// <summary>Queues <paramref name="action"/> for the script thread without waiting for it (progress callbacks).</summary>
    public void Post(Action action) => Post(new WorkItem(action, _ => { }));

    private void Post(WorkItem item)
    {
        try
        {
            _work.Add(item);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            item.Abandon();
        }
    }

    private sealed record WorkItem(Action Run, Action<Exception> Fail)
    {
        public void Abandon() => Fail(new InvalidOperationException("the Lua script has ended; its functions can no longer be called"));
    }
}
