using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using LlmSpell.Workflows.Durability;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Hosting;

/// <summary><c>services.AddAkka(name, (akka, provider) =&gt; akka.WithLlmSpell(provider))</c>: LlmSpell inside an actor system of the app's own.</summary>
public static class LlmSpellAkkaExtensions
{
    /// <summary>
    /// Adds LlmSpell to this actor system: our serializer, and the journal of durable runs (Akka.Persistence.Sql on the SQLite
    /// file or PostgreSQL of <see cref="LlmSpellOptions"/>; none for in-memory runs) as the default journal and snapshot store.
    /// Once the system runs, prepares the store (refusing a journal of llmspell's earlier format), creates the runs actor
    /// (registered as <see cref="LlmSpellRuns"/>) and takes the engine's services — tools, model clients, templates — from
    /// <paramref name="provider"/>, where <c>services.AddLlmSpell(b =&gt; b.UseAppActorSystem())</c> put them.
    /// </summary>
    public static AkkaConfigurationBuilder WithLlmSpell(this AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var runtime = provider.GetService<LlmSpellRuntime>()
            ?? throw new InvalidOperationException("WithLlmSpell needs LlmSpell's services: call services.AddLlmSpell(b => b.UseAppActorSystem()) too.");
        builder.AddHocon(WorkflowSerializer.Hocon, HoconAddMode.Prepend);
        if (runtime.Store is { } store)
        {
            builder.AddHocon(store.Tuning, HoconAddMode.Prepend);
            builder.WithSqlPersistence(store.JournalOptions(), store.SnapshotOptions());
        }
        return builder.WithActors(async (system, registry, _) =>
        {
            await runtime.StartAsync(system, CancellationToken.None).ConfigureAwait(false);
            registry.Register<LlmSpellRuns>(runtime.Engine.Runs);
        });
    }
}
