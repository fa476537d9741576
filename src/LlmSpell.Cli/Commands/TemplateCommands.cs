using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Input;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Progress;
using LlmSpell.Cli.Runtime;
using LlmSpell.Templates;
using LlmSpell.Templates.Parameters;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell template list | info | schema | exec</c>.</summary>
internal static class TemplateCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("template", "Ready-made workflows: list them, inspect their parameters, run them");
        command.Add(List(runner));
        command.Add(Info(runner));
        command.Add(Schema(runner));
        command.Add(Exec(runner));
        return command;
    }

    private static Argument<string> IdArgument() => new("ID") { Description = "The template's id, e.g. workflow-orchestrator" };

    private static Command List(CommandRunner runner)
    {
        var output = OutputFormatOption.Create();
        var command = new Command("list", "List the templates") { output };
        runner.SetAction(command, (parse, _, _) =>
        {
            var templates = TemplateRegistry.CreateDefault().All;
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                var json = new JsonArray(templates.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id,
                    ["name"] = t.Name,
                    ["category"] = t.Category,
                    ["version"] = t.Version,
                    ["description"] = t.Description,
                }).ToArray());
                Json.Print(json);
                return Task.FromResult(ExitCodes.Ok);
            }
            var table = new TextTable("ID", "CATEGORY", "VERSION", "NAME");
            foreach (var t in templates) table.Add(t.Id, t.Category, t.Version, t.Name);
            Console.Out.Write(table.ToString());
            Console.Out.WriteLine();
            Console.Out.WriteLine("Run 'llmspell template info ID' for a template's parameters.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Info(CommandRunner runner)
    {
        var id = IdArgument();
        var showSchema = new Option<bool>("--show-schema") { Description = "Also print the parameter schema as JSON" };
        var output = OutputFormatOption.Create();
        var command = new Command("info", "Show a template: what it does and its parameters") { id, showSchema, output };
        runner.SetAction(command, (parse, _, _) =>
        {
            var template = TemplateRegistry.CreateDefault().Get(parse.GetValue(id)!);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                var json = new JsonObject
                {
                    ["id"] = template.Id,
                    ["name"] = template.Name,
                    ["category"] = template.Category,
                    ["version"] = template.Version,
                    ["description"] = template.Description,
                    ["parameters"] = template.Parameters.ToJson(template)["parameters"]!.DeepClone(),
                };
                Json.Print(json);
                return Task.FromResult(ExitCodes.Ok);
            }
            Console.Out.Write(Describe(template));
            if (parse.GetValue(showSchema))
            {
                Console.Out.WriteLine();
                Console.Out.WriteLine("Schema:");
                Json.Print(template.Parameters.ToJson(template));
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string Describe(ITemplate template)
    {
        var sb = new StringBuilder();
        sb.Append(template.Name).Append(" (").Append(template.Id).Append(")\n");
        sb.Append("Version: ").Append(template.Version).Append("   Category: ").Append(template.Category).Append("\n\n");
        sb.Append(template.Description).Append("\n\nParameters:\n");
        var table = new TextTable("  NAME", "TYPE", "REQUIRED/DEFAULT", "DESCRIPTION");
        foreach (var p in template.Parameters.Parameters)
            table.Add("  " + p.Name, TemplateParameterTypeNames.Of(p.Type), p.Summary, p.Description);
        sb.Append(table);
        sb.Append("\nExample:\n  llmspell template exec ").Append(template.Id);
        foreach (var p in template.Parameters.Parameters.Where(p => p.Required))
            sb.Append(" --param ").Append(p.Name).Append(p.Type == TemplateParameterType.Object ? "=@file.json" : "=VALUE");
        sb.Append("\n\nValues are parsed as JSON, else taken as text; @path reads a file. 'llmspell template schema ")
          .Append(template.Id).Append("' prints the schema as JSON.\n");
        return sb.ToString();
    }

    private static Command Schema(CommandRunner runner)
    {
        var id = IdArgument();
        var command = new Command("schema", "Print a template's parameter schema as JSON (name, type, required, default, constraints, allowed values)") { id };
        runner.SetAction(command, (parse, _, _) =>
        {
            var template = TemplateRegistry.CreateDefault().Get(parse.GetValue(id)!);
            Json.Print(template.Parameters.ToJson(template));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Exec(CommandRunner runner)
    {
        var id = IdArgument();
        var param = SharedOptions.Param("A parameter as NAME=VALUE (repeatable); VALUE is JSON or text, @path reads a file");
        var output = OutputFormatOption.Create();
        var outputDir = new Option<string?>("--output-dir") { Description = "Write the template's artifacts (workflow_report.md, intermediate_results.json) here", HelpName = "DIR" };
        var workspace = SharedOptions.Workspace();
        var command = new Command("exec", "Run a template with parameters") { id, param, output, outputDir, workspace };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var template = TemplateRegistry.CreateDefault().Get(parse.GetValue(id)!);
            var parameters = ParamValues.ParseAll(parse.GetValue(param));
            var format = parse.GetValue(output);
            // Bad parameters are reported before anything is built.
            template.Parameters.Bind(template.Id, parameters);

            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Directory.GetCurrentDirectory());
            var tools = session.CreateTools(roots);
            var engine = await session.CreateEngineAsync(tools, roots, ct).ConfigureAwait(false);
            TemplateResult result;
            await using (var progress = ProgressViews.Create($"template {template.Id}"))
            {
                var context = new TemplateContext
                {
                    Engine = engine,
                    Tools = tools,
                    IsAgentConfigured = session.IsAgentConfigured,
                    OutputDirectory = parse.GetValue(outputDir) is { } dir ? Path.GetFullPath(dir) : null,
                    Progress = progress,
                };
                result = await template.ExecuteAsync(parameters, context, ct).ConfigureAwait(false);
            }
            ct.ThrowIfCancellationRequested();

            if (format == OutputFormat.Json)
            {
                var json = result.ToJson();
                // The journaled run, for 'llmspell workflow show|history|resume' (also in custom_metrics, as the spec has it).
                if (result.Metrics.CustomMetrics["run_id"] is JsonValue runId) json["run_id"] = runId.DeepClone();
                Json.Print(json);
            }
            else Console.Out.Write(TextResult(result));
            if (result.Status == TemplateStatus.Ok) return ExitCodes.Ok;
            ErrorOutput.Write(result.Error ?? "the template failed");
            return ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The spec's text layout: a status line, the result, then the metrics.</summary>
    internal static string TextResult(TemplateResult result)
    {
        var m = result.Metrics;
        var seconds = (m.DurationMs / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append(result.Status == TemplateStatus.Ok ? $"✓ Template execution completed in {seconds}s\n" : $"✗ Template execution failed after {seconds}s\n");
        sb.Append(new string('=', 80)).Append("\n\nResult:\n");
        sb.Append(result.Result.AsText()).Append("\n\nMetrics:\n");
        sb.Append("  Duration:      ").Append(seconds).Append("s\n");
        sb.Append("  Agents:        ").Append(m.AgentsInvoked).Append('\n');
        sb.Append("  Tools:         ").Append(m.ToolsInvoked).Append('\n');
        if (m.CustomMetrics["steps_executed"] is { } steps) sb.Append("  Steps:         ").Append(steps.ToJsonString()).Append('\n');
        sb.Append("  Tokens:        ").Append(m.TokensUsed?.ToString(CultureInfo.InvariantCulture) ?? "n/a").Append('\n');
        sb.Append("  Cost:          ").Append(m.CostUsd is { } cost ? "$" + cost.ToString("0.000000", CultureInfo.InvariantCulture) : "n/a").Append('\n');
        if (m.CustomMetrics["run_id"] is JsonValue runId) sb.Append("  Run:           ").Append(runId.ToString()).Append('\n');
        if (result.Artifacts.Count > 0)
        {
            sb.Append("\nArtifacts:\n");
            foreach (var artifact in result.Artifacts) sb.Append("  ").Append(artifact.Path).Append('\n');
        }
        return sb.ToString();
    }
}
