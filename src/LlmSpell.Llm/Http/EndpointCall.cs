namespace LlmSpell.Llm.Http;

/// <summary>
/// What the HTTP layer needs to know about the call on whose behalf a request goes out: the model (for error texts), the
/// call's token (the libraries read response bodies without one), and how an in-stream error line reads.
/// Set around each library call; it flows down to <see cref="EndpointHandler"/> with the async context.
/// </summary>
internal sealed class EndpointCall
{
    private static readonly AsyncLocal<EndpointCall?> CurrentCall = new();

    public EndpointCall(string? model, CancellationToken token, Func<string, Exception>? reportedError = null)
    {
        Model = model;
        Token = token;
        ReportedError = reportedError;
    }

    public static EndpointCall? Current => CurrentCall.Value;

    public string? Model { get; }

    public CancellationToken Token { get; }

    /// <summary>Null: the endpoint's <see cref="LlmEndpoint.ReportedError"/>.</summary>
    public Func<string, Exception>? ReportedError { get; }

    /// <summary>Makes this the current call until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = CurrentCall.Value;
        CurrentCall.Value = this;
        return new Scope(previous);
    }

    /// <summary>Restores the call that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(EndpointCall? previous) : IDisposable
    {
        public void Dispose() => CurrentCall.Value = previous;
    }
}
