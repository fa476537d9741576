using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Hosting;

/// <summary><c>services.AddAkka(name, (akka, provider) =&gt; akka.WithLlmSpell())</c>: LlmSpell inside an actor system of the app's own.</summary>
public static class LlmSpellAkkaExtensions
{
    /// <summary>
    /// Starts LlmSpell in this actor system once it runs: opens the journal, creates the runs actor (registered as
    /// <see cref="LlmSpellRuns"/>) and takes the engine's services — tools, model clients, templates — from DI, where
    /// <c>services.AddLlmSpell(b =&gt; b.UseAppActorSystem())</c> put them.
    /// </summary>
    public static AkkaConfigurationBuilder WithLlmSpell(this AkkaConfigurationBuilder builder) =>
        builder.WithActors(async (system, registry, resolver) =>
        {
            var runtime = resolver.GetService<LlmSpellRuntime>()
                ?? throw new InvalidOperationException("WithLlmSpell needs LlmSpell's services: call services.AddLlmSpell(b => b.UseAppActorSystem()) too.");
            await runtime.StartAsync(system, CancellationToken.None).ConfigureAwait(false);
            registry.Register<LlmSpellRuns>(runtime.Engine.Runs);
        });
}
