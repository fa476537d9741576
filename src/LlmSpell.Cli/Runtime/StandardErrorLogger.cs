using Akka.Event;

namespace LlmSpell.Cli.Runtime;

/// <summary>
/// Akka's fallback logger (while the system starts and after its loggers stop) writing to stderr instead of stdout, so
/// that stdout keeps only the command's result (e.g. the JSON of --output json).
/// </summary>
public sealed class StandardErrorLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent e) Console.Error.WriteLine($"[{Level(e.LogLevel())}] {e.LogSource}: {e.Message}");
    }

    // As the --verbose log lines name levels (Serilog's {Level:u3}).
    private static string Level(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DBG",
        LogLevel.InfoLevel => "INF",
        LogLevel.WarningLevel => "WRN",
        _ => "ERR",
    };
}
