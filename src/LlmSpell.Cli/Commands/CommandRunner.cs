using System.CommandLine;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Llm;
using LlmSpell.Templates;
using LlmSpell.Templates.Parameters;
using LlmSpell.Tools;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Durability;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// Runs command actions in a session and turns every error into one message on stderr (what, where, how to fix)
/// and an exit code; stack traces only with --verbose.
/// </summary>
internal sealed class CommandRunner(GlobalOptions globals)
{
    public void SetAction(Command command, Func<ParseResult, CliSession, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            var settings = globals.Read(parse);
            try
            {
                await using var session = new CliSession(settings);
                try
                {
                    return await action(parse, session, ct).ConfigureAwait(false);
                }
                catch (Akka.Actor.AskTimeoutException ex) when (session.ClusterContacts is { } contacts)
                {
                    // Through --cluster, silence means no node is there (a live one answers within the engine's timeout).
                    throw ClusterCliOption.Unreachable(contacts, ex);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            catch (Exception ex)
            {
                return Report(ex, settings.Verbose);
            }
        });

    public static int Report(Exception ex, bool verbose)
    {
        var (message, code) = Describe(ex);
        if (ex is WorkflowValidationException or TemplateParameterException or CliException { IsList: true }) ErrorOutput.WriteList(message);
        else ErrorOutput.Write(message);
        if (verbose) Console.Error.WriteLine(ex.ToString());
        return code;
    }

    private static (string Message, int Code) Describe(Exception ex) => ex switch
    {
        CliException e => (e.Message, e.ExitCode),
        TemplateParameterException e => (e.Message, ExitCodes.Usage),
        TemplateNotFoundException e => (e.Message, ExitCodes.Usage),
        WorkflowValidationException e => (e.Message, ExitCodes.Usage),
        ToolParameterException e => (e.Message, ExitCodes.Usage),
        LlmConfigurationException e => (e.Message, ExitCodes.Usage),
        LlmException e => (e.Message, ExitCodes.Failed),
        ToolException e => (e.Message, ExitCodes.Failed),
        RunJournalException e => (e.Message, ExitCodes.Failed),
        RunStillLiveException e => (e.Message, ExitCodes.Failed),
        IOException or UnauthorizedAccessException => (ex.Message, ExitCodes.Failed),
        _ => ($"unexpected {ex.GetType().Name}: {ex.Message} (run with --verbose for the stack trace, and please report it)", ExitCodes.Failed),
    };
}
