using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting;

/// <summary>
/// On host stop, stops the actor system (coordinated shutdown); Akka.Persistence owns the journal, and durable runs stay in it.
/// The engine itself starts with the actor system (<see cref="LlmSpellAkkaExtensions.WithLlmSpell"/>).
/// </summary>
public sealed class LlmSpellHostedService(LlmSpellRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync();
}
