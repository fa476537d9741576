namespace LlmSpell.Llm.Http;

/// <summary>One request's slot on its endpoint and its token: the caller's, linked with the request timeout.</summary>
internal sealed class RequestLease : IDisposable
{
    private readonly SemaphoreSlim? _slot;
    private readonly CancellationTokenSource? _timeout;
    private int _disposed;

    public RequestLease(SemaphoreSlim? slot, CancellationTokenSource? timeout, CancellationToken caller)
    {
        _slot = slot;
        _timeout = timeout;
        Caller = caller;
        Token = timeout?.Token ?? caller;
    }

    /// <summary>The token every I/O call of the request uses.</summary>
    public CancellationToken Token { get; }

    public CancellationToken Caller { get; }

    /// <summary>The request timeout fired (and the caller did not cancel).</summary>
    public bool TimedOut => _timeout is { IsCancellationRequested: true } && !Caller.IsCancellationRequested;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _timeout?.Dispose();
        _slot?.Release();
    }
}
