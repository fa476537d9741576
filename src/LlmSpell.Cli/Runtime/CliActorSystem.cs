using Akka.Actor;
using Akka.Configuration;
using LlmSpell.Workflows.Durability;

namespace LlmSpell.Cli.Runtime;

/// <summary>
/// The CLI's own ActorSystem: local actors only (no remoting, nothing the command does not need) and the run journal, so a cold process
/// starts it cheaply. Akka's logs go to the CLI's Serilog logger with --verbose and nowhere otherwise.
/// </summary>
internal static class CliActorSystem
{
    /// <summary>The actor system of a command journaling to <paramref name="store"/>; <paramref name="node"/>: a cluster node's
    /// configuration (ClusterNodeOptions.ToHocon), else local actors only.</summary>
    public static ActorSystem Create(string name, Serilog.ILogger? serilog, RunStoreOptions store, string? node = null)
    {
        if (serilog is not null) Serilog.Log.Logger = serilog;
        // A node's operator needs to see the cluster's warnings (unreachable members, downing) even without --verbose.
        var logging = serilog is null && node is not null
            ? "akka.loglevel = WARNING\nakka.loggers = [\"Akka.Event.DefaultLogger\"]"
            : serilog is null
            ? "akka.loglevel = OFF\nakka.loggers = []"
            : """
              akka.loglevel = DEBUG
              akka.loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
              akka.logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
              """;
        var config = ConfigurationFactory.ParseString($"""
            {logging}
            akka.stdout-loglevel = {(serilog is null && node is not null ? "WARNING" : "OFF")}
            akka.stdout-logger-class = "LlmSpell.Cli.Runtime.StandardErrorLogger, llmspell"
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            # The CLI decides how a command ends (Ctrl+C is exit 130); the runtime must not terminate on its own.
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            {node}
            """);
        return store.CreateSystem(name, config);
    }
}
