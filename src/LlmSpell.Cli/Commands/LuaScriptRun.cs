using System.Globalization;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Scripting.Lua.Globals;
using LlmSpell.Scripting.Lua.Hosting;

namespace LlmSpell.Cli.Commands;

/// <summary>What <c>llmspell run script.lua</c> was asked for.</summary>
internal sealed record LuaScriptRequest(
    string Path,
    IReadOnlyList<string> Args,
    OutputFormat Format,
    string? Workspace,
    long? MaxInstructions,
    int? MaxMemoryMb,
    string? OutputDirectory);

/// <summary>
/// <c>llmspell run script.lua</c>: runs the script in the Lua host over this session's engine and tools. In text
/// mode <c>print</c> goes to stdout, then the script's return value (if any); with <c>--output json</c> stdout holds
/// only the return value as JSON and <c>print</c> goes to stderr. A script error is one line, "file:line: message".
/// </summary>
internal static class LuaScriptRun
{
    public static async Task<int> RunAsync(CliSession session, LuaScriptRequest request, CancellationToken ct)
    {
        if (!File.Exists(request.Path)) throw new CliException($"the script {request.Path} does not exist");
        var options = LuaScriptOptions.Default
            .WithArgs(ParseArgs(request.Args))
            .WithStdout(request.Format == OutputFormat.Json ? Console.Error : Console.Out);
        if (request.MaxInstructions is { } instructions)
            options = options.WithInstructionBudget(instructions >= 0 ? instructions : throw new CliException("--max-instructions must be 0 (no limit) or more"));
        if (request.MaxMemoryMb is { } mb)
            options = options.WithMemoryLimit(mb >= 0 ? mb * 1024L * 1024 : throw new CliException("--max-memory-mb must be 0 (no limit) or more"));

        var roots = session.ResolveToolRoots(request.Workspace, Path.GetDirectoryName(Path.GetFullPath(request.Path))!);
        var tools = session.CreateTools(roots);
        var engine = await session.CreateEngineAsync(tools, roots, ct).ConfigureAwait(false);
        var host = LuaGlobals.Host(new LuaEnvironment
        {
            Engine = engine,
            Tools = tools,
            Agents = session.Agents,
            IsAgentConfigured = session.IsAgentConfigured,
            WorkspaceDirectory = roots.Write,
            OutputDirectory = request.OutputDirectory is { } dir ? Path.GetFullPath(dir) : null,
            Loggers = session.Loggers,
        });

        System.Text.Json.Nodes.JsonNode? value;
        try
        {
            value = await host.RunFileAsync(request.Path, options, ct).ConfigureAwait(false);
        }
        catch (LuaScriptError e)
        {
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            throw new CliException(e.Message, ExitCodes.Failed, e);
        }
        if (request.Format == OutputFormat.Json)
            Json.Print(value);
        else if (value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text))
            await Console.Out.WriteLineAsync(text).ConfigureAwait(false);
        else if (value is not null)
            Json.Print(value);
        return ExitCodes.Ok;
    }

    /// <summary><c>--arg name=value</c> (repeatable) as the script's <c>ARGS</c> table: names and values are text.</summary>
    internal static Dictionary<string, string> ParseArgs(IEnumerable<string> pairs)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException($"--arg '{pair}' must be name=value, e.g. --arg file=data/sales.csv");
            var name = pair[..eq].Trim();
            if (!args.TryAdd(name, pair[(eq + 1)..])) throw new CliException($"--arg '{name}' is given twice; give each argument once");
        }
        return args;
    }

}
