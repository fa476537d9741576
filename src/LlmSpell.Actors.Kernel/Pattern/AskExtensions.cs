namespace LlmSpell.Actors;

/// <summary>Request/response with an actor: <c>await actor.Ask&lt;T&gt;(message)</c>.</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and awaits its reply.
    /// Timeout (default: the system's AskTimeout) → <see cref="AskTimeoutException"/>;
    /// a <see cref="Status.Failure"/> reply faults the task with its cause;
    /// cancellation → <see cref="TaskCanceledException"/>.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await Ask(receiver, message, timeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            T typed => typed,
            null when default(T) is null => default!,
            _ => throw new InvalidCastException(
                $"Ask to {receiver} expected a reply of type {typeof(T).Name} but got {reply?.GetType().Name ?? "null"}: {reply}"),
        };
    }

    /// <summary>Ask with an untyped reply.</summary>
    public static Task<object?> Ask(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        if (receiver is not LocalActorRef local)
            return Task.FromException<object?>(new ArgumentException($"Ask is supported on local actors only, not on {receiver}.", nameof(receiver)));
        var system = local.System;
        var effective = timeout ?? system.Settings.AskTimeout;
        if (effective <= TimeSpan.Zero)
            return Task.FromException<object?>(new ArgumentOutOfRangeException(nameof(timeout), effective, "The ask timeout must be positive."));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<object?>(cancellationToken);

        var promise = new PromiseActorRef(system.TempPath.Child(system.NextTempName()), receiver, message, effective);
        promise.Start(system, cancellationToken);
        receiver.Tell(message, promise);
        return promise.Task;
    }
}

/// <summary>The temporary actor an Ask replies to; completes its task once.</summary>
internal sealed class PromiseActorRef : MinimalActorRef
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IActorRef _target;
    private readonly object _message;
    private readonly TimeSpan _timeout;
    private CancellationTokenSource? _timeoutSource;
    private CancellationTokenRegistration _registration;

    public PromiseActorRef(ActorPath path, IActorRef target, object message, TimeSpan timeout) : base(path)
    {
        _target = target;
        _message = message;
        _timeout = timeout;
    }

    public Task<object?> Task => _completion.Task;

    public override bool IsTerminated => _completion.Task.IsCompleted;

    public void Start(ActorSystem system, CancellationToken cancellationToken)
    {
        // Not on the system scheduler: that one is stopped with the system, and an ask must end even then.
        _timeoutSource = new CancellationTokenSource(_timeout, system.Scheduler.TimeProvider);
        _timeoutSource.Token.UnsafeRegister(static s =>
        {
            var self = (PromiseActorRef)s!;
            self.Complete(() => self._completion.TrySetException(new AskTimeoutException(
                $"Ask timed out on {self._target} after {self._timeout.TotalMilliseconds:0} ms waiting for a reply to a message of type {self._message.GetType().Name}. " +
                "The actor may be stopped, slow, or may not reply to this message.")));
        }, this);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.Register(static s =>
            {
                var (self, ct) = ((PromiseActorRef, CancellationToken))s!;
                self.Complete(() => self._completion.TrySetCanceled(ct));
            }, (this, cancellationToken));
    }

    public override void Tell(object message, IActorRef sender) => Complete(() =>
    {
        switch (message)
        {
            case Status.Failure failure: _completion.TrySetException(failure.Cause); break;
            case Status.Success success: _completion.TrySetResult(success.Status); break;
            default: _completion.TrySetResult(message); break;
        }
    });

    private void Complete(Action complete)
    {
        if (_completion.Task.IsCompleted) return;
        complete();
        _timeoutSource?.Dispose();
        _registration.Dispose();
    }
}
