using LlmSpell.Cli.Demo;
using Serilog;
using Serilog.Extensions.Logging;

namespace LlmSpell.Cli;

/// <summary>The <c>llmspell</c> entry point.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verbose = args.Contains("--verbose");
        var rest = args.Where(a => a != "--verbose").ToArray();
        if (rest.Length == 0 || rest[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: llmspell demo [--verbose]");
            Console.WriteLine("  demo    runs a supervised actor pipeline on the kernel and prints its report");
            return 0;
        }
        if (rest[0] != "demo")
        {
            await Console.Error.WriteLineAsync($"error: unknown command '{rest[0]}'. Run 'llmspell --help' for the commands.");
            return 2;
        }
        await using var log = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? Serilog.Events.LogEventLevel.Debug : Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
            .CreateLogger();
        using var loggerFactory = new SerilogLoggerFactory(log);
        return await KernelDemo.RunAsync(Console.Out, loggerFactory);
    }
}
