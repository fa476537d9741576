using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm;

/// <summary>
/// Sends a call through M.E.AI's OpenTelemetry middleware only while something listens to its source or meter
/// (<see cref="ChatClientProvider.TelemetrySourceName"/>): the middleware costs tens of microseconds per call even when
/// no one records its spans or metrics, which is most of the time.
/// </summary>
internal sealed class TelemetryGate : DelegatingChatClient
{
    // Listeners match sources and meters by name, so same-named probes tell whether the middleware's would be heard.
    private static readonly ActivitySource ProbeSource = new(ChatClientProvider.TelemetrySourceName);
    private static readonly Meter ProbeMeter = new(ChatClientProvider.TelemetrySourceName);
    private static readonly Histogram<double> ProbeHistogram = ProbeMeter.CreateHistogram<double>("gen_ai.client.operation.duration", "s");

    private readonly IChatClient _instrumented;

    public TelemetryGate(IChatClient bare, IChatClient instrumented)
        : base(bare) => _instrumented = instrumented;

    private static bool Listening => ProbeSource.HasListeners() || ProbeHistogram.Enabled;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Listening ? _instrumented.GetResponseAsync(messages, options, cancellationToken) : base.GetResponseAsync(messages, options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Listening ? _instrumented.GetStreamingResponseAsync(messages, options, cancellationToken) : base.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <summary>Nothing to release: the endpoint owns the clients underneath.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
