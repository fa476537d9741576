using System.CommandLine;
using LlmSpell.Cli.Input;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell run FILE</c>: runs a JSON or YAML workflow definition.</summary>
internal static class RunCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string>("FILE") { Description = "A workflow definition: .json, .yaml or .yml (docs/workflow-format.md)" };
        var input = new Option<string?>("--input", "-i")
        {
            Description = "The run's input, {{input}} in the definition: JSON (else taken as text), or @path to read it from a file",
            HelpName = "JSON|@file",
        };
        var output = OutputFormatOption.Create();
        var workspace = SharedOptions.Workspace();
        var cluster = new ClusterCliOptions();
        var detach = new Option<bool>("--detach") { Description = "With --postgres: return once a node has the run, without waiting for its end" };
        var command = new Command("run", "Run a workflow definition file (here, or with --postgres on a node of the cluster)") { file, input, output, workspace, detach };
        cluster.AddTo(command);
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (Path.GetExtension(path).Equals(".lua", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException(
                    $"Lua scripting is not available yet, so '{path}' cannot be run. Write the workflow as JSON or YAML " +
                    "(docs/workflow-format.md; examples in config/examples/) and run that file.");
            }
            var definition = await WorkflowParser.ParseFileAsync(path, ct).ConfigureAwait(false);
            var runInput = parse.GetValue(input) is { } raw ? ParamValues.Parse(raw, "--input") : null;
            var format = parse.GetValue(output);
            if (cluster.IsGiven(parse))
                return await ClusterRun.SubmitAsync(session, cluster.Read(parse), definition, runInput, format, parse.GetValue(detach), ct).ConfigureAwait(false);

            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Path.GetDirectoryName(Path.GetFullPath(path))!);
            var tools = session.CreateTools(roots);
            var engine = await session.CreateEngineAsync(tools, roots, ct).ConfigureAwait(false);
            var run = await engine.StartAsync(definition, runInput, ct).ConfigureAwait(false);
            return await RunReporter.FollowAsync(engine, run, definition, new RunReportOptions
            {
                Format = format,
                Roots = roots,
                ProgressTitle = "run",
                Footer = $"llmspell run {Path.GetFileName(path)}",
            }, ct).ConfigureAwait(false);
        });
        return command;
    }
}
