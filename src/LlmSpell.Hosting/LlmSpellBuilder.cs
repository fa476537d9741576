using Akka.Hosting;
using LlmSpell.Templates;
using LlmSpell.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSpell.Hosting;

/// <summary>Configures LlmSpell inside <c>services.AddLlmSpell(builder =&gt; …)</c>.</summary>
public sealed class LlmSpellBuilder
{
    internal LlmSpellBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    internal List<Func<LlmSpellOptions, LlmSpellOptions>> OptionChanges { get; } = [];
    internal List<Action<AkkaConfigurationBuilder, IServiceProvider>> AkkaSetups { get; } = [];
    internal bool AppActorSystem { get; private set; }
    internal List<Action<ToolRegistry, IServiceProvider>> ToolSetups { get; } = [];
    internal List<Action<TemplateRegistry>> TemplateSetups { get; } = [];

    /// <summary>Changes the options (applied in order, after configuration binding).</summary>
    public LlmSpellBuilder Configure(Func<LlmSpellOptions, LlmSpellOptions> change)
    {
        OptionChanges.Add(change);
        return this;
    }

    /// <summary>Names the actor system that <c>AddLlmSpell</c> adds (through Akka.Hosting).</summary>
    public LlmSpellBuilder WithActorSystem(string name) => Configure(o => o.WithSystemName(name));

    /// <summary>Configures the actor system that <c>AddLlmSpell</c> adds: actors of the app, HOCON, extensions (Akka.Hosting's builder).</summary>
    public LlmSpellBuilder WithAkka(Action<AkkaConfigurationBuilder, IServiceProvider> configure)
    {
        AkkaSetups.Add(configure);
        return this;
    }

    /// <summary>
    /// The app hosts LlmSpell in an actor system of its own: <c>AddLlmSpell</c> adds only LlmSpell's services, and the
    /// app's <c>services.AddAkka(…, (akka, provider) =&gt; akka.WithLlmSpell(provider))</c> starts it.
    /// </summary>
    public LlmSpellBuilder UseAppActorSystem()
    {
        AppActorSystem = true;
        return this;
    }

    /// <summary>Journals runs to the SQLite file <c>&lt;dataDirectory&gt;/&lt;DatabaseFile&gt;</c> (default llmspell.db) through Akka.Persistence.Sql.</summary>
    public LlmSpellBuilder WithSqliteJournal(string dataDirectory) => Configure(o => o.WithSqliteJournal(dataDirectory));
    /// <summary>Journals runs to PostgreSQL through Akka.Persistence.Sql, in <paramref name="schema"/> (default: the connection string's Search Path, else public).</summary>
    public LlmSpellBuilder WithPostgresJournal(string connectionString, string? schema = null) => Configure(o => o.WithPostgresJournal(connectionString, schema));
    public LlmSpellBuilder WithInMemoryRuns() => Configure(o => o.WithoutJournal());

    /// <summary>Registers a tool of the app's own, besides any <see cref="ITool"/> registered in DI.</summary>
    public LlmSpellBuilder WithTool(ITool tool)
    {
        ToolSetups.Add((registry, _) => registry.AddTool(tool));
        return this;
    }

    public LlmSpellBuilder WithTemplate(ITemplate template)
    {
        TemplateSetups.Add(registry => registry.Register(template));
        return this;
    }
}
