using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace LlmSpell.Hosting.Logging;

/// <summary><c>builder.UseLlmSpellSerilog()</c>: Serilog as the host's logger, configured from <c>LlmSpell:Logging</c>.</summary>
public static class LlmSpellSerilogExtensions
{
    public const string DefaultOutputTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Logs to the console and (with <c>LlmSpell:Logging:File</c>) a daily rolling file of JSON lines; structured properties such as
    /// <c>RunId</c>, <c>Step</c> and <c>Model</c> are kept. Every secret of the configuration (API keys, connection-string
    /// passwords) is masked before any sink sees an event. <paramref name="sinks"/> adds sinks (they are masked too).
    /// </summary>
    public static HostApplicationBuilder UseLlmSpellSerilog(this HostApplicationBuilder builder, Action<LoggerConfiguration>? sinks = null)
    {
        var section = builder.Configuration.GetSection(LlmSpellConfiguration.SectionName);
        var logging = section.GetSection("Logging");
        var level = LogEventLevel.Information;
        if (logging["MinimumLevel"] is { Length: > 0 } text && !Enum.TryParse(text, ignoreCase: true, out level))
            throw new LlmSpellConfigurationException($"{logging.Path}:MinimumLevel", $"must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}, got '{text}'");
        var console = logging["Console"] is not { Length: > 0 } c || (bool.TryParse(c, out var on)
            ? on
            : throw new LlmSpellConfigurationException($"{logging.Path}:Console", $"must be true or false, got '{c}'"));
        var retained = 7;
        if (logging["RetainedFileCountLimit"] is { Length: > 0 } r && (!int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out retained) || retained < 1))
            throw new LlmSpellConfigurationException($"{logging.Path}:RetainedFileCountLimit", $"must be at least 1, got '{r}'");

        var secrets = new LlmSpellSecrets();
        foreach (var endpoint in section.GetSection("Llm:Endpoints").GetChildren()) secrets.Add(endpoint["ApiKey"]);
        secrets.AddConnectionString(section["PostgresConnectionString"]);
        secrets.Add(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
        builder.Services.AddSingleton(secrets);

        var inner = new LoggerConfiguration().MinimumLevel.Verbose();
        if (console) inner.WriteTo.Console(outputTemplate: DefaultOutputTemplate, formatProvider: CultureInfo.InvariantCulture, standardErrorFromLevel: LogEventLevel.Verbose);
        if (logging["File"] is { Length: > 0 } file)
            // One JSON object a line, every property kept (RunId, Step, Model, tokens) for log tools to query.
            inner.WriteTo.File(new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture), file,
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: retained);
        sinks?.Invoke(inner);

        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new RedactingSink(inner.CreateLogger(), secrets))
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        // Akka.Logger.Serilog writes to Serilog's global logger: Akka's own logs get the same sinks and masking.
        Log.Logger = logger;
        return builder;
    }
}
