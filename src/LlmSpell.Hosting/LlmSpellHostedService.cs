using Microsoft.Extensions.Hosting;

namespace LlmSpell.Hosting;

/// <summary>
/// On host stop, stops the actor system (coordinated shutdown) and then closes the journal (durable runs stay in it).
/// The engine itself starts with the actor system (<see cref="LlmSpellAkkaExtensions.WithLlmSpell"/>).
/// </summary>
public sealed class LlmSpellHostedService(LlmSpellRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync();
}
