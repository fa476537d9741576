using System.CommandLine;
using LlmSpell.Cli.Commands;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Cli;

/// <summary>The <c>llmspell</c> command line: a thin shell over templates, workflows, tools and the LLM layer.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var globals = new GlobalOptions();
        var root = Build(globals);
        // '@path' is ours (a value read from a file), not a response file of extra arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            // One message per problem and where to look, not the whole help text.
            foreach (var message in ParseErrors.Describe(parse).Take(DefinitionLimits.MaxShownErrors)) ErrorOutput.Write(message);
            var path = ParseErrors.Path(parse.CommandResult.Command);
            await Console.Error.WriteLineAsync($"Run '{path} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        // On SIGTERM/Ctrl+C a command winds down before the process ends: the run records its cancel and the actor
        // system stops, which must not be cut short by System.CommandLine's default 2 s.
        // A node leaving the cluster first lets its runs finish the steps they are running (ClusterNodeOptions.HandOffLimit).
        var node = parse.CommandResult.Command.Parents.OfType<Command>().Any(c => c.Name == "node");
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = node ? Cluster.ClusterNodeOptions.HandOffLimit + TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(10),
        }).ConfigureAwait(false);
    }

    internal static RootCommand Build(GlobalOptions globals)
    {
        var root = new RootCommand("llmspell: run LLM agent and tool workflows (sequential, parallel, conditional, loop) on an actor runtime");
        globals.AddTo(root);
        var runner = new CommandRunner(globals);
        root.Add(TemplateCommands.Create(runner));
        root.Add(RunCommand.Create(runner));
        root.Add(WorkflowCommands.Create(runner));
        root.Add(ToolCommands.Create(runner));
        root.Add(ModelsCommand.Create(runner));
        root.Add(DoctorCommand.Create(runner));
        root.Add(NodeCommands.Create(runner));
        return root;
    }
}
