using Akka.Actor;
using LlmSpell.Llm;
using LlmSpell.Templates;
using LlmSpell.Tools;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmSpell.Hosting;

/// <summary><c>services.AddLlmSpell(builder =&gt; …)</c>.</summary>
public static class LlmSpellServiceCollectionExtensions
{
    /// <summary>
    /// Adds the actor system, the workflow engine, tools, LLM clients and templates, started with the host.
    /// Options come from the <c>LlmSpell</c> configuration section (when an <see cref="IConfiguration"/> is registered),
    /// then from <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddLlmSpell(this IServiceCollection services, Action<LlmSpellBuilder>? configure = null)
    {
        var builder = new LlmSpellBuilder(services);
        configure?.Invoke(builder);
        services.AddSingleton(provider =>
        {
            var configuration = provider.GetService<IConfiguration>();
            var options = configuration is null ? LlmSpellOptions.Default : LlmSpellConfiguration.Bind(configuration.GetSection(LlmSpellConfiguration.SectionName));
            foreach (var change in builder.OptionChanges) options = change(options);
            LlmSpellConfiguration.Validate(options);
            provider.GetService<Logging.LlmSpellSecrets>()?.AddFrom(options);
            return options;
        });
        services.AddSingleton(provider => new LlmSpellRuntime(builder, provider.GetRequiredService<LlmSpellOptions>(), provider,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddSingleton(provider => provider.GetRequiredService<LlmSpellRuntime>().Actors);
        services.AddSingleton(typeof(IRequiredActor<>), typeof(RequiredActor<>));
        services.AddSingleton<ActorSystem>(provider => provider.GetRequiredService<LlmSpellRuntime>().System);
        services.AddSingleton<WorkflowEngine>(provider => provider.GetRequiredService<LlmSpellRuntime>().Engine);
        services.AddSingleton<LlmSpell.Actors.Cluster.ClusterNode>(provider => provider.GetRequiredService<LlmSpellRuntime>().Node);
        // On a cluster node, runs started through IWorkflowEngine take a lease on this node.
        services.AddSingleton<IWorkflowEngine>(provider => provider.GetRequiredService<LlmSpellRuntime>().Workflows);
        services.AddSingleton<IWorkflowOperations>(provider => provider.GetRequiredService<WorkflowEngine>());
        services.AddSingleton<IToolRegistry>(provider => provider.GetRequiredService<LlmSpellRuntime>().Tools);
        services.AddSingleton<IChatClientProvider>(provider => provider.GetRequiredService<LlmSpellRuntime>().Llm);
        services.AddSingleton<TemplateRegistry>(provider => provider.GetRequiredService<LlmSpellRuntime>().Templates);
        services.AddHostedService<LlmSpellHostedService>();
        return services;
    }
}
