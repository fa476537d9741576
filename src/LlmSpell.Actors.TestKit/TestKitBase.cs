using System.Diagnostics;

namespace LlmSpell.Actors.Testing;

/// <summary>
/// Expectations on the messages a test actor receives; shared by <see cref="TestKit"/> and
/// <see cref="TestProbe"/>. Every method has an async twin; timeouts are dilated by the time factor.
/// </summary>
public abstract class TestKitBase
{
    private readonly MessageQueue _queue = new();
    private long? _withinEnd; // Stopwatch timestamp of the enclosing Within's deadline

    /// <summary>Thread-pool minimum that keeps blocking expectations from starving the actors under test.</summary>
    internal const int MinPoolThreads = 32;

    static TestKitBase()
    {
        // Each synchronous expectation blocks a pool thread while the actors under test need pool
        // threads to run. With the pool's minimum at the core count, a few tests running in parallel
        // starve the actors until the pool injects threads (about 0.5 s per thread), which made specs
        // slow and timing-sensitive. Only the test process is affected.
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < MinPoolThreads) ThreadPool.SetMinThreads(MinPoolThreads, io);
    }

    protected TestKitBase(ActorSystem system, string testActorName)
    {
        Sys = system;
        TestActor = system.SystemActorOf(Props.Create(() => new TestActor(_queue)), testActorName);
    }

    /// <summary>The actor system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The actor that receives what the test expects; the implicit sender of the test's Tells.</summary>
    public IActorRef TestActor { get; }

    /// <summary>The sender of the last message received.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.NoSender;

    /// <summary>The last message received.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>Messages received and not yet taken by an expectation.</summary>
    public int QueuedMessageCount => _queue.Count;

    /// <summary>Scales a duration by the time factor (<see cref="TestKitSettings.TimeFactorVariable"/>).</summary>
    public static TimeSpan Dilated(TimeSpan duration) => TestKitSettings.Dilated(duration);

    /// <summary>Time left in the enclosing Within, else the default timeout.</summary>
    public TimeSpan Remaining => _withinEnd is { } end ? Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end) : Dilated(TestKitSettings.DefaultTimeout);

    private TimeSpan Effective(TimeSpan? timeout)
    {
        var t = timeout is { } given ? Dilated(given) : Dilated(TestKitSettings.DefaultTimeout);
        return _withinEnd is null ? t : Min(t, Remaining);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // ---- taking messages -------------------------------------------------------------------

    private ReceivedMessage Take(TimeSpan timeout, string what)
    {
        if (!_queue.TryTake(timeout, out var received)) throw Timeout(timeout, what);
        return Record(received);
    }

    private async Task<ReceivedMessage> TakeAsync(TimeSpan timeout, string what)
    {
        var received = await _queue.TryTakeAsync(timeout).ConfigureAwait(false) ?? throw Timeout(timeout, what);
        return Record(received);
    }

    private ReceivedMessage Record(ReceivedMessage received)
    {
        LastMessage = received.Message;
        LastSender = received.Sender;
        return received;
    }

    private static TestKitAssertionException Timeout(TimeSpan timeout, string what) =>
        new($"Timeout ({timeout.TotalMilliseconds:0} ms) while waiting for {what}");

    // ---- ExpectMsg -------------------------------------------------------------------------

    /// <summary>Expects a message of type <typeparamref name="T"/> next.</summary>
    public T ExpectMsg<T>(TimeSpan? timeout = null, string? hint = null) =>
        CheckType<T>(Take(Effective(timeout), Describe<T>(hint)), hint);

    public async Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null, string? hint = null) =>
        CheckType<T>(await TakeAsync(Effective(timeout), Describe<T>(hint)).ConfigureAwait(false), hint);

    /// <summary>Expects a message equal to <paramref name="expected"/> next.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) =>
        CheckEqual(Take(Effective(timeout), $"message [{expected}]"), expected);

    public async Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null) =>
        CheckEqual(await TakeAsync(Effective(timeout), $"message [{expected}]").ConfigureAwait(false), expected);

    /// <summary>Expects a message of type <typeparamref name="T"/> that satisfies <paramref name="isMessage"/> next.</summary>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? timeout = null, string? hint = null) =>
        CheckPredicate(Take(Effective(timeout), Describe<T>(hint)), isMessage, hint);

    public async Task<T> ExpectMsgAsync<T>(Predicate<T> isMessage, TimeSpan? timeout = null, string? hint = null) =>
        CheckPredicate(await TakeAsync(Effective(timeout), Describe<T>(hint)).ConfigureAwait(false), isMessage, hint);

    private static string Describe<T>(string? hint) => $"a message of type {typeof(T).Name}{(hint is null ? "" : $" ({hint})")}";

    private static T CheckType<T>(ReceivedMessage received, string? hint) =>
        received.Message is T typed
            ? typed
            : throw new TestKitAssertionException(
                $"Expected a message of type {typeof(T).Name}{(hint is null ? "" : $" ({hint})")} but got {received.Message.GetType().Name}: [{received.Message}] from {received.Sender}");

    private static T CheckEqual<T>(ReceivedMessage received, T expected) =>
        received.Message is T typed && EqualityComparer<T>.Default.Equals(typed, expected)
            ? typed
            : throw new TestKitAssertionException($"Expected [{expected}] but got [{received.Message}] from {received.Sender}");

    private static T CheckPredicate<T>(ReceivedMessage received, Predicate<T> isMessage, string? hint)
    {
        var typed = CheckType<T>(received, hint);
        return isMessage(typed)
            ? typed
            : throw new TestKitAssertionException($"Message [{typed}] did not satisfy the expectation{(hint is null ? "" : $": {hint}")}");
    }

    // ---- ExpectNoMsg -----------------------------------------------------------------------

    /// <summary>Asserts that nothing arrives within <paramref name="duration"/> (default 100 ms, dilated).</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var d = Effective(duration ?? TestKitSettings.DefaultNoMessageDuration);
        if (_queue.TryTake(d, out var received)) throw Unexpected(Record(received), d);
    }

    public async Task ExpectNoMsgAsync(TimeSpan? duration = null)
    {
        var d = Effective(duration ?? TestKitSettings.DefaultNoMessageDuration);
        if (await _queue.TryTakeAsync(d).ConfigureAwait(false) is { } received) throw Unexpected(Record(received), d);
    }

    private static TestKitAssertionException Unexpected(ReceivedMessage received, TimeSpan d) =>
        new($"Expected no message within {d.TotalMilliseconds:0} ms but got [{received.Message}] from {received.Sender}");

    // ---- DeathWatch ------------------------------------------------------------------------

    /// <summary>Makes the test actor watch <paramref name="target"/>; its Terminated then arrives as a message.</summary>
    public IActorRef Watch(IActorRef target)
    {
        TestActor.Tell(new WatchRequest(target), ActorRefs.NoSender);
        return target;
    }

    public IActorRef Unwatch(IActorRef target)
    {
        TestActor.Tell(new UnwatchRequest(target), ActorRefs.NoSender);
        return target;
    }

    internal sealed record WatchRequest(IActorRef Target);
    internal sealed record UnwatchRequest(IActorRef Target);

    /// <summary>Expects the <see cref="Terminated"/> of a watched <paramref name="target"/> next.</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) =>
        CheckPredicate<Terminated>(Take(Effective(timeout), $"Terminated({target})"), t => t.ActorRef.Equals(target), $"Terminated({target})");

    public async Task<Terminated> ExpectTerminatedAsync(IActorRef target, TimeSpan? timeout = null) =>
        CheckPredicate<Terminated>(await TakeAsync(Effective(timeout), $"Terminated({target})").ConfigureAwait(false),
            t => t.ActorRef.Equals(target), $"Terminated({target})");

    // ---- ReceiveN, FishForMessage ------------------------------------------------------------

    /// <summary>Receives exactly <paramref name="n"/> messages, all within <paramref name="timeout"/>.</summary>
    public IReadOnlyList<object> ReceiveN(int n, TimeSpan? timeout = null)
    {
        var end = Deadline(Effective(timeout));
        var result = new List<object>(n);
        for (var i = 0; i < n; i++) result.Add(Take(Left(end), $"message {i + 1} of {n}").Message);
        return result;
    }

    public async Task<IReadOnlyList<object>> ReceiveNAsync(int n, TimeSpan? timeout = null)
    {
        var end = Deadline(Effective(timeout));
        var result = new List<object>(n);
        for (var i = 0; i < n; i++) result.Add((await TakeAsync(Left(end), $"message {i + 1} of {n}").ConfigureAwait(false)).Message);
        return result;
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> satisfies <paramref name="isMessage"/>.</summary>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        var end = Deadline(Effective(max));
        while (true)
            if (Take(Left(end), Describe<T>(hint ?? "fishing")).Message is T typed && isMessage(typed)) return typed;
    }

    public async Task<T> FishForMessageAsync<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        var end = Deadline(Effective(max));
        while (true)
            if ((await TakeAsync(Left(end), Describe<T>(hint ?? "fishing")).ConfigureAwait(false)).Message is T typed && isMessage(typed))
                return typed;
    }

    private static long Deadline(TimeSpan timeout) => Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Left(long end) => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);

    // ---- Within --------------------------------------------------------------------------

    /// <summary>Runs <paramref name="block"/>, bounding the expectations inside by <paramref name="max"/>, and asserts it took between min and max.</summary>
    public void Within(TimeSpan min, TimeSpan max, Action block)
    {
        var (start, outer) = EnterWithin(max);
        try
        {
            block();
        }
        finally
        {
            _withinEnd = outer;
        }
        CheckWithin(start, min, max);
    }

    public void Within(TimeSpan max, Action block) => Within(TimeSpan.Zero, max, block);

    public async Task WithinAsync(TimeSpan min, TimeSpan max, Func<Task> block)
    {
        var (start, outer) = EnterWithin(max);
        try
        {
            await block().ConfigureAwait(false);
        }
        finally
        {
            _withinEnd = outer;
        }
        CheckWithin(start, min, max);
    }

    public Task WithinAsync(TimeSpan max, Func<Task> block) => WithinAsync(TimeSpan.Zero, max, block);

    private (long Start, long? Outer) EnterWithin(TimeSpan max)
    {
        var start = Stopwatch.GetTimestamp();
        var outer = _withinEnd;
        var end = Deadline(Dilated(max));
        _withinEnd = outer is { } o && o < end ? o : end;
        return (start, outer);
    }

    private static void CheckWithin(long start, TimeSpan min, TimeSpan max)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed < min)
            throw new TestKitAssertionException($"Block took {elapsed.TotalMilliseconds:0} ms, less than the minimum {min.TotalMilliseconds:0} ms");
        var dilatedMax = Dilated(max);
        if (elapsed > dilatedMax)
            throw new TestKitAssertionException($"Block took {elapsed.TotalMilliseconds:0} ms, more than the maximum {dilatedMax.TotalMilliseconds:0} ms");
    }

    // ---- AwaitAssert, AwaitCondition ---------------------------------------------------------

    /// <summary>Retries <paramref name="assertion"/> every <paramref name="interval"/> until it passes or <paramref name="duration"/> ends.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        var end = Deadline(Effective(duration));
        var pause = interval ?? TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Left(end) > TimeSpan.Zero)
            {
                // Pause without touching the queue: the messages are the test's to expect.
                Thread.Sleep(Min(pause, Left(end)));
            }
        }
    }

    public async Task AwaitAssertAsync(Func<Task> assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        var end = Deadline(Effective(duration));
        var pause = interval ?? TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception) when (Left(end) > TimeSpan.Zero)
            {
                await Task.Delay(Min(pause, Left(end))).ConfigureAwait(false);
            }
        }
    }

    public Task AwaitAssertAsync(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) =>
        AwaitAssertAsync(() =>
        {
            assertion();
            return Task.CompletedTask;
        }, duration, interval);

    /// <summary>Waits until <paramref name="condition"/> is true.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, string? message = null) =>
        AwaitAssert(() =>
        {
            if (!condition()) throw new TestKitAssertionException($"Condition not met{(message is null ? "" : $": {message}")}");
        }, max);

    public Task AwaitConditionAsync(Func<bool> condition, TimeSpan? max = null, string? message = null) =>
        AwaitAssertAsync(() =>
        {
            if (!condition()) throw new TestKitAssertionException($"Condition not met{(message is null ? "" : $": {message}")}");
        }, max);

    // ---- sending -----------------------------------------------------------------------------

    /// <summary>Replies to the sender of the last message, from the test actor.</summary>
    public void Reply(object message) => LastSender.Tell(message, TestActor);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with the test actor as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, TestActor);

    /// <summary>Forwards the last message to <paramref name="target"/> keeping its original sender.</summary>
    public void Forward(IActorRef target) => target.Tell(LastMessage ?? throw new InvalidOperationException("No message received yet."), LastSender);

    /// <summary>A new probe: a second test actor with its own expectations.</summary>
    public TestProbe CreateTestProbe(string? name = null) => new(Sys, name);
}
