using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
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
    // Akka.Hosting names the system at registration: the name comes from WithActorSystem, else from the configuration
    // already registered (LlmSpell:SystemName of a HostApplicationBuilder's), else the default. Only that key is read
    // here; the whole section is bound and validated once, when the host starts.
    private static string SystemName(IServiceCollection services, LlmSpellBuilder builder)
    {
        var configuration = services.LastOrDefault(d => d.ServiceType == typeof(IConfiguration))?.ImplementationInstance as IConfiguration;
        var options = configuration?[$"{LlmSpellConfiguration.SectionName}:SystemName"] is { Length: > 0 } name
            ? LlmSpellOptions.Default.WithSystemName(name)
            : LlmSpellOptions.Default;
        foreach (var change in builder.OptionChanges) options = change(options);
        return options.SystemName;
    }

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
        services.AddSingleton<WorkflowEngine>(provider => provider.GetRequiredService<LlmSpellRuntime>().Engine);
        services.AddSingleton<IWorkflowEngine>(provider => provider.GetRequiredService<WorkflowEngine>());
        services.AddSingleton<IWorkflowOperations>(provider => provider.GetRequiredService<WorkflowEngine>());
        services.AddSingleton<IToolRegistry>(provider => provider.GetRequiredService<LlmSpellRuntime>().Tools);
        services.AddSingleton<IChatClientProvider>(provider => provider.GetRequiredService<LlmSpellRuntime>().Llm);
        services.AddSingleton<TemplateRegistry>(provider => provider.GetRequiredService<LlmSpellRuntime>().Templates);
        // Registered before Akka's own hosted service, so that it stops after it.
        services.AddHostedService<LlmSpellHostedService>();
        if (!builder.AppActorSystem)
        {
            services.AddAkka(SystemName(services, builder), (akka, provider) =>
            {
                akka.ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    // Serilog as the host's logger (UseLlmSpellSerilog): Akka's logs go through it, secrets masked.
                    if (provider.GetService<Logging.LlmSpellSecrets>() is not null) loggers.AddSerilogLogging();
                    else loggers.AddLoggerFactory();
                });
                akka.AddHocon(ConfigurationFactory.ParseString("""
                    akka.log-dead-letters-during-shutdown = off
                    # The host stops the actor system (coordinated shutdown on host stop), not the process exit.
                    akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                    """), HoconAddMode.Append);
                foreach (var setup in builder.AkkaSetups) setup(akka, provider);
                akka.WithLlmSpell(provider);
            });
        }
        return services;
    }
}
