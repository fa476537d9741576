using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using LlmSpell.Cluster;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Cli.Runtime;

/// <summary>
/// The CLI's own ActorSystem: local actors only (no remoting, nothing the command does not need) and the run journal, so a cold process
/// starts it cheaply; a node's joins its cluster, a cluster client's has remoting only. Akka's logs go to the CLI's Serilog logger with
/// --verbose and nowhere otherwise (a node's warnings to stderr).
/// </summary>
internal static class CliActorSystem
{
    /// <summary>The actor system of a command journaling to <paramref name="store"/>; <paramref name="node"/>: a cluster node's
    /// configuration (ClusterNodeOptions.ToHocon, with its <paramref name="setups"/>), else local actors only.</summary>
    public static ActorSystem Create(string name, Serilog.ILogger? serilog, RunStoreOptions store, string? node = null, params Setup[] setups) =>
        store.CreateSystem(name, Logging(serilog, warnings: node is not null).WithFallback(ConfigurationFactory.ParseString(node ?? "")), setups);

    /// <summary>
    /// The actor system of a command that reaches a cluster's runs from outside it (<see cref="ClusterClientRuns"/>), with TLS or
    /// without; the nodes reach it at <paramref name="publicHost"/>, else on 127.0.0.1.
    /// </summary>
    public static ActorSystem CreateClient(Serilog.ILogger? serilog, string? publicHost, RemotingTls? tls)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(Logging(serilog, warnings: false).WithFallback(ClusterClientRuns.ClientConfig(publicHost, tls)));
        return ActorSystem.Create(ClusterNodeOptions.SystemName + "-client", tls is null ? ActorSystemSetup.Create(bootstrap) : bootstrap.And(tls.ToSetup()));
    }

    // warnings: a node's operator needs to see the cluster's warnings (unreachable members, downing) even without --verbose.
    private static Config Logging(Serilog.ILogger? serilog, bool warnings)
    {
        if (serilog is not null) Serilog.Log.Logger = serilog;
        var logging = serilog is not null
            ? """
              akka.loglevel = DEBUG
              akka.loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
              akka.logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
              """
            : warnings
            ? "akka.loglevel = WARNING\nakka.loggers = [\"Akka.Event.DefaultLogger\"]"
            : "akka.loglevel = OFF\nakka.loggers = []";
        return ConfigurationFactory.ParseString($"""
            {logging}
            akka.stdout-loglevel = {(serilog is null && warnings ? "WARNING" : "OFF")}
            akka.stdout-logger-class = "LlmSpell.Cli.Runtime.StandardErrorLogger, llmspell"
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            # The CLI decides how a command ends (Ctrl+C is exit 130); the runtime must not terminate on its own.
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """);
    }
}
