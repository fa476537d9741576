using System.CommandLine;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Export;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell workflow graph</c>, and the run commands of <see cref="WorkflowRunCommands"/>.</summary>
internal static class WorkflowCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("workflow", "Work with workflow definitions and their durable runs");
        command.Add(Graph(runner));
        WorkflowRunCommands.AddTo(command, runner);
        return command;
    }

    private static Command Graph(CommandRunner runner)
    {
        var file = new Argument<string>("FILE") { Description = "A workflow definition: .json, .yaml or .yml" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "mermaid (a flowchart for Markdown) or dot (Graphviz)",
            DefaultValueFactory = _ => "mermaid",
            HelpName = "mermaid|dot",
        };
        var command = new Command("graph", "Draw a workflow definition as a Mermaid or Graphviz DOT flowchart") { file, format };
        runner.SetAction(command, async (parse, _, ct) =>
        {
            var kind = parse.GetValue(format)!.Trim().ToLowerInvariant();
            if (kind is not ("mermaid" or "dot"))
                throw new CliException($"unknown graph format '{parse.GetValue(format)}'; use --format mermaid or --format dot");
            var definition = await WorkflowParser.ParseFileAsync(parse.GetValue(file)!, ct).ConfigureAwait(false);
            await Console.Out.WriteAsync(kind == "dot" ? WorkflowGraph.ToDot(definition) : WorkflowGraph.ToMermaid(definition)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
