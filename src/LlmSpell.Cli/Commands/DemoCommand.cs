using System.CommandLine;
using LlmSpell.Cli.Demo;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell demo</c> (hidden): the actor kernel's showcase, a supervised worker pool.</summary>
internal static class DemoCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("demo", "Run a supervised actor pipeline on the kernel and print its report") { Hidden = true };
        runner.SetAction(command, (_, session, _) => KernelDemo.RunAsync(Console.Out, session.Loggers));
        return command;
    }
}
