using System.CommandLine;
using LlmSpell.Cli.Input;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Execution;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell run FILE</c>: runs a JSON or YAML workflow definition, or a Lua script (<c>.lua</c>).</summary>
internal static class RunCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string>("FILE") { Description = "A workflow definition (.json, .yaml or .yml: docs/workflow-format.md) or a Lua script (.lua: docs/lua.md)" };
        var input = new Option<string?>("--input", "-i")
        {
            Description = "The run's input, {{input}} in the definition: JSON (else taken as text), or @path to read it from a file",
            HelpName = "JSON|@file",
        };
        var output = OutputFormatOption.Create();
        var workspace = SharedOptions.Workspace();
        var args = new Option<string[]>("--arg")
        {
            Description = "Lua scripts: an entry of the global table ARGS, as NAME=VALUE (repeatable)",
            HelpName = "NAME=VALUE",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var maxInstructions = new Option<long?>("--max-instructions")
        {
            Description = "Lua scripts: the instruction budget (default 1000000000; 0: no limit)",
            HelpName = "N",
        };
        var maxMemory = new Option<int?>("--max-memory-mb") { Description = "Lua scripts: the memory limit in MB (default 256; 0: no limit)", HelpName = "MB" };
        var outputDir = new Option<string?>("--output-dir") { Description = "Lua scripts: where Template.execute writes the templates' artifacts", HelpName = "DIR" };
        var journal = new JournalCliOptions();
        var cluster = new ClusterCliOption();
        var command = new Command("run", "Run a workflow definition file or a Lua script")
        {
            file, input, output, workspace, args, maxInstructions, maxMemory, outputDir,
        };
        journal.AddTo(command);
        command.Add(cluster.Cluster);
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var path = parse.GetValue(file)!;
            var target = cluster.Read(parse, journal, session.Config);
            session.UsePostgres(journal.Read(parse, session.Config));
            if (Path.GetExtension(path).Equals(".lua", StringComparison.OrdinalIgnoreCase))
            {
                if (target is not null) throw new CliException("--cluster runs workflow definitions (.json, .yaml); a Lua script runs in this process: leave out --cluster");
                if (parse.GetValue(input) is not null) throw new CliException("--input is for workflow definitions; give a Lua script its values with --arg NAME=VALUE (ARGS.NAME)");
                return await LuaScriptRun.RunAsync(session, new LuaScriptRequest(path, parse.GetValue(args) ?? [], parse.GetValue(output),
                    parse.GetValue(workspace), parse.GetValue(maxInstructions), parse.GetValue(maxMemory), parse.GetValue(outputDir)), ct).ConfigureAwait(false);
            }
            if (parse.GetValue(args) is { Length: > 0 }) throw new CliException("--arg is for Lua scripts; give a workflow definition its input with --input JSON");
            var definition = await WorkflowParser.ParseFileAsync(path, ct).ConfigureAwait(false);
            var runInput = parse.GetValue(input) is { } raw ? ParamValues.Parse(raw, "--input") : null;
            var format = parse.GetValue(output);
            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Path.GetDirectoryName(Path.GetFullPath(path))!);
            var tools = session.CreateTools(roots);
            var engine = target is null
                ? await session.CreateEngineAsync(tools, roots, ct).ConfigureAwait(false)
                : session.CreateClientEngine(target, tools, roots);
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
