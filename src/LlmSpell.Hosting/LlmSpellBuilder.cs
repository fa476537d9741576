using Akka.Actor;
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
    internal List<string> Hocon { get; } = [];
    internal List<Action<ToolRegistry, IServiceProvider>> ToolSetups { get; } = [];
    internal List<Action<TemplateRegistry>> TemplateSetups { get; } = [];
    internal List<Action<ActorSystem, ActorRegistry, IServiceProvider>> Starters { get; } = [];

    /// <summary>Changes the options (applied in order, after configuration binding).</summary>
    public LlmSpellBuilder Configure(Func<LlmSpellOptions, LlmSpellOptions> change)
    {
        OptionChanges.Add(change);
        return this;
    }

    /// <summary>Names the actor system; <paramref name="hocon"/> adds Akka configuration of the app's own (it wins over ours).</summary>
    public LlmSpellBuilder WithActorSystem(string name, string? hocon = null)
    {
        Configure(o => o.WithSystemName(name));
        if (hocon is not null) Hocon.Add(hocon);
        return this;
    }

    public LlmSpellBuilder WithSqliteJournal(string dataDirectory) => Configure(o => o.WithSqliteJournal(dataDirectory));
    public LlmSpellBuilder WithPostgresJournal(string connectionString) => Configure(o => o.WithPostgresJournal(connectionString));
    /// <summary>
    /// Makes the host a node of the cluster on <paramref name="connectionString"/>. Services registered as
    /// <see cref="Actors.Cluster.IClusterNodeService"/> run for the node's lifetime.
    /// </summary>
    public LlmSpellBuilder WithCluster(string connectionString, Func<LlmSpellClusterOptions, LlmSpellClusterOptions>? change = null) =>
        Configure(o => o.WithCluster(connectionString, change));
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

    /// <summary>Runs <paramref name="start"/> when the actor system has started, e.g. to create and register actors.</summary>
    public LlmSpellBuilder WithActors(Action<ActorSystem, ActorRegistry, IServiceProvider> start)
    {
        Starters.Add(start);
        return this;
    }
}
