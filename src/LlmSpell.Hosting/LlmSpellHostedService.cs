using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting;

/// <summary>Starts LlmSpell with the host; on host stop runs coordinated shutdown (durable runs stay in the journal).</summary>
public sealed class LlmSpellHostedService(LlmSpellRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync();
}
