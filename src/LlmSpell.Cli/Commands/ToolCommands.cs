using LlmSpell.Workflows.Definitions.Parsing;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Input;
using LlmSpell.Cli.Output;
using LlmSpell.Templates;
using LlmSpell.Tools;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Cli.Commands;

/// <summary><c>llmspell tool list | info | invoke</c>.</summary>
internal static class ToolCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("tool", "The tools workflow steps can call: list them, inspect them, call one");
        command.Add(List(runner));
        command.Add(Info(runner));
        command.Add(Invoke(runner));
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The tool's name (or an alias), e.g. calculator" };

    private static ITool Find(ToolRegistry tools, string name) =>
        tools.Find(name) ?? throw new CliException(
            $"unknown tool '{name}'{DidYouMean.Sentence(name, tools.All.Select(t => t.Name))} Available tools: {string.Join(", ", tools.All.Select(t => t.Name).Order(StringComparer.Ordinal))} (see 'llmspell tool list')");

    private static Command List(CommandRunner runner)
    {
        var output = OutputFormatOption.Create();
        var command = new Command("list", "List the tools") { output };
        runner.SetAction(command, (parse, session, _) =>
        {
            var tools = session.CreateToolsForListing();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonArray(tools.All.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Name,
                    ["description"] = t.Description,
                    ["aliases"] = new JsonArray(tools.AliasesOf(t.Name).Select(a => (JsonNode)a).ToArray()),
                }).ToArray()));
                return Task.FromResult(ExitCodes.Ok);
            }
            var table = new TextTable("NAME", "DESCRIPTION");
            foreach (var tool in tools.All) table.Add(tool.Name, tool.Description);
            Console.Out.Write(table.ToString());
            Console.Out.WriteLine();
            Console.Out.WriteLine("Run 'llmspell tool info NAME' for a tool's parameters.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Info(CommandRunner runner)
    {
        var name = NameArgument();
        var output = OutputFormatOption.Create();
        var command = new Command("info", "Show a tool: what it does, its parameters and its result") { name, output };
        runner.SetAction(command, (parse, session, _) =>
        {
            var tools = session.CreateToolsForListing();
            var tool = Find(tools, parse.GetValue(name)!);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonObject
                {
                    ["name"] = tool.Name,
                    ["description"] = tool.Description,
                    ["aliases"] = new JsonArray(tools.AliasesOf(tool.Name).Select(a => (JsonNode)a).ToArray()),
                    ["parameters"] = tool.ParametersSchema,
                    ["output"] = tool.OutputSchema,
                });
                return Task.FromResult(ExitCodes.Ok);
            }
            Console.Out.Write(Describe(tool, tools.AliasesOf(tool.Name)));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string Describe(ITool tool, IReadOnlyList<string> aliases)
    {
        var sb = new StringBuilder();
        sb.Append(tool.Name).Append(": ").Append(tool.Description).Append('\n');
        if (aliases.Count > 0) sb.Append("Aliases: ").Append(string.Join(", ", aliases)).Append('\n');
        var schema = tool.ParametersSchema;
        var required = (schema["required"] as JsonArray)?.Select(r => r?.GetValue<string>()).ToHashSet() ?? [];
        sb.Append("\nParameters:\n");
        if (schema["properties"] is JsonObject { Count: > 0 } properties)
        {
            var table = new TextTable("  NAME", "TYPE", "REQUIRED/DEFAULT", "DESCRIPTION");
            foreach (var (key, value) in properties)
            {
                var type = value?["type"] is JsonNode t ? Compact(t) : "any";
                if (value?["enum"] is JsonArray values) type += " (" + string.Join("|", values.Select(Compact)) + ")";
                var need = required.Contains(key) ? "required" : value?["default"] is { } d ? "default " + d.ToJsonString() : "optional";
                table.Add("  " + key, type, need, value?["description"]?.GetValue<string>() ?? "");
            }
            sb.Append(table);
        }
        else sb.Append("  (none)\n");
        sb.Append("\nParameter schema:\n").Append(Json.Format(schema)).Append('\n');
        sb.Append("\nResult schema:\n").Append(Json.Format(tool.OutputSchema)).Append('\n');
        sb.Append("\nExample:\n  llmspell tool invoke ").Append(tool.Name);
        foreach (var key in required) sb.Append(" --param ").Append(key).Append("=VALUE");
        sb.Append('\n');
        return sb.ToString();
    }

    private static string Compact(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    private static Command Invoke(CommandRunner runner)
    {
        var name = NameArgument();
        var param = SharedOptions.Param("A parameter as NAME=VALUE (repeatable); VALUE is JSON or text, @path reads a file");
        var output = OutputFormatOption.Create();
        var workspace = SharedOptions.Workspace();
        var command = new Command("invoke", "Call a tool once and print its result") { name, param, output, workspace };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var roots = session.ResolveToolRoots(parse.GetValue(workspace), Directory.GetCurrentDirectory());
            var tools = session.CreateTools(roots);
            var tool = Find(tools, parse.GetValue(name)!);
            var parameters = CoerceToSchema(tool, ParamValues.ParseAll(parse.GetValue(param)));
            var context = new ToolContext("cli", "invoke", roots.Write, session.Loggers.CreateLogger($"LlmSpell.Tools.{tool.Name}"));
            var result = await ToolInvoker.InvokeAsync(tool, parameters, context, ct).ConfigureAwait(false);
            if (parse.GetValue(output) == OutputFormat.Text && result is JsonValue v && v.TryGetValue<string>(out var text))
                await Console.Out.WriteLineAsync(text).ConfigureAwait(false);
            else
                Json.Print(result);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A string parameter given as <c>x=42</c> was parsed as a number; the schema says it is text, so it is.</summary>
    private static JsonObject CoerceToSchema(ITool tool, Dictionary<string, JsonNode?> values)
    {
        var properties = tool.ParametersSchema["properties"] as JsonObject;
        var parameters = new JsonObject();
        foreach (var (key, value) in values)
        {
            var type = properties?[key]?["type"];
            var wantsString = type is JsonValue t && t.TryGetValue<string>(out var s) && s == "string";
            parameters[key] = wantsString && value is JsonValue v && v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                ? JsonValue.Create(v.ToJsonString())
                : value;
        }
        return parameters;
    }
}
