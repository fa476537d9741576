using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Configuration;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Llm;
using LlmSpell.Llm.Local.Engine;
using LlmSpell.Llm.OpenAI;
using LlmSpell.Templates;
using LlmSpell.Tools.BuiltIn;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>llmspell doctor</c>: checks the config, the data directory, the tools and templates, and each LLM endpoint. Each
/// line is "ok" or what to fix; the exit code is non-zero when something essential (config, data directory) is
/// broken. An unreachable LLM is a warning: tool-only workflows run without one.
/// </summary>
internal static class DoctorCommand
{
    private enum Level
    {
        Ok,
        Warn,
        Fail,
    }

    private sealed record Check(string Name, Level Level, string Detail);

    public static Command Create(CommandRunner runner)
    {
        var output = OutputFormatOption.Create();
        var command = new Command("doctor", "Check the installation: config, data directory, tools, LLM endpoints") { output };
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var checks = new List<Check>();
            var configOk = CheckConfig(session, checks);
            if (configOk)
            {
                CheckDataDirectory(session, checks);
                CheckTools(session, checks);
                checks.Add(new Check("templates", Level.Ok, string.Join(", ", TemplateRegistry.CreateDefault().All.Select(t => t.Id))));
                await CheckLlmAsync(session, checks, ct).ConfigureAwait(false);
                CheckLocalModels(session, checks);
            }
            checks.Add(new Check("runtime", Level.Ok, $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.RuntimeIdentifier}"));

            var failures = checks.Count(c => c.Level == Level.Fail);
            var warnings = checks.Count(c => c.Level == Level.Warn);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonObject
                {
                    ["ok"] = failures == 0,
                    ["checks"] = new JsonArray(checks.Select(c => (JsonNode)new JsonObject
                    {
                        ["name"] = c.Name,
                        ["status"] = Name(c.Level),
                        ["detail"] = c.Detail,
                    }).ToArray()),
                });
            }
            else
            {
                foreach (var c in checks) Console.Out.WriteLine($"{Name(c.Level),-5} {c.Name,-12} {c.Detail}");
                Console.Out.WriteLine();
                Console.Out.WriteLine(failures == 0
                    ? $"No problems{(warnings == 0 ? "." : $"; {warnings} warning{(warnings == 1 ? "" : "s")} (agent steps need a reachable LLM; tool-only workflows run without one).")}"
                    : $"{failures} problem{(failures == 1 ? "" : "s")} to fix (the lines marked FAIL), {warnings} warning{(warnings == 1 ? "" : "s")}.");
            }
            return failures == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Name(Level level) => level switch
    {
        Level.Ok => "ok",
        Level.Warn => "warn",
        _ => "FAIL",
    };

    private static bool CheckConfig(CliSession session, List<Check> checks)
    {
        try
        {
            var config = session.Config;
            checks.Add(config.SourcePath is null
                ? new Check("config", Level.Ok, "built-in defaults (no config file; pass --config FILE or set LLMSPELL_CONFIG to use one)")
                : new Check("config", Level.Ok,
                    $"{config.SourcePath}: {config.Llm.Endpoints.Count} endpoints, {config.Agents.Count} agents, default model {config.DefaultModel}"));
            return true;
        }
        catch (CliException ex)
        {
            checks.Add(new Check("config", Level.Fail, ex.Message));
            return false;
        }
    }

    private static void CheckDataDirectory(CliSession session, List<Check> checks)
    {
        var dataDir = session.DataDir;
        checks.Add(Writable("data dir", dataDir, "choose another with --data-dir or LLMSPELL_DATA_DIR"));
        var workspace = session.Config.Tools.WorkspaceDirectory ?? DataDirectory.Workspace(dataDir);
        checks.Add(Writable("workspace", workspace, "set tools.workspace in the config, or pass --workspace to commands that run tools"));
    }

    private static Check Writable(string name, string directory, string fix)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".llmspell-doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new Check(name, Level.Ok, $"{directory} (writable)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Check(name, Level.Fail, $"cannot write in {directory}: {ex.Message.TrimEnd('.')}; {fix}");
        }
    }

    private static void CheckTools(CliSession session, List<Check> checks)
    {
        try
        {
            var tools = BuiltInTools.Create(session.Config.Tools);
            checks.Add(new Check("tools", Level.Ok, $"{tools.Count} built-in tools ({string.Join(", ", tools.Select(t => t.Name))})"));
        }
        catch (ArgumentException ex)
        {
            checks.Add(new Check("tools", Level.Fail, $"the tools options are invalid: {ex.Message.TrimEnd('.')}; fix \"tools\" in the config"));
        }
    }

    /// <summary>local/… models: which llama.cpp build loads here (or why none does) and what the models folder holds.</summary>
    private static void CheckLocalModels(CliSession session, List<Check> checks)
    {
        var modelsDir = session.ModelsDir;
        var count = Directory.Exists(modelsDir) ? Directory.EnumerateFiles(modelsDir, "*.gguf").Count() : 0;
        try
        {
            var backend = NativeBackend.EnsureLoaded();
            checks.Add(new Check("local", Level.Ok, $"{backend} loaded; models folder {modelsDir} ({count} .gguf file{(count == 1 ? "" : "s")})"));
        }
        catch (LlmConfigurationException ex)
        {
            checks.Add(new Check("local", Level.Warn, ex.Message));
        }
    }

    private static async Task CheckLlmAsync(CliSession session, List<Check> checks, CancellationToken ct)
    {
        var defaultModel = ModelSpec.Parse(session.Config.DefaultModel);
        foreach (var e in await ModelsCommand.QueryAsync(session, ct).ConfigureAwait(false))
        {
            if (e.Error is not null)
            {
                checks.Add(new Check(e.Provider, Level.Warn, e.Error));
                continue;
            }
            checks.Add(new Check(e.Provider, Level.Ok, $"reachable at {e.Url} ({e.Models.Count} models)"));
            if (!string.Equals(defaultModel.Provider, e.Provider, StringComparison.OrdinalIgnoreCase)) continue;
            var installed = e.Models.Any(m => m.Name == defaultModel.Model || m.Name == defaultModel.Model + ":latest");
            checks.Add(installed
                ? new Check("model", Level.Ok, $"default model {defaultModel} is installed")
                : new Check("model", Level.Warn, $"default model {defaultModel} is not installed on {e.Provider}; run `ollama pull {defaultModel.Model}`, or set default_model in the config"));
        }
        foreach (var (provider, endpoint) in session.Config.Llm.Endpoints.Where(p => p.Value.Kind == LlmProviderKind.OpenAICompatible).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            try
            {
                var (url, key) = OpenAIEnvironment.Resolve(provider, endpoint);
                var keyNote = key == OpenAIEnvironment.PlaceholderKey ? "no API key (fine for local servers)" : "API key set";
                checks.Add(new Check(provider, Level.Ok, $"OpenAI-compatible at {url}, {keyNote} (not contacted)"));
            }
            catch (LlmConfigurationException ex) when (provider == LlmProviderOptions.OpenAIProvider && endpoint.BaseUrl is null)
            {
                // The built-in openai endpoint without a key is normal when only local models are used.
                _ = ex;
                checks.Add(new Check(provider, Level.Ok, $"not set up (optional): set {OpenAIEnvironment.ApiKeyVariable} to use openai/... models"));
            }
            catch (LlmConfigurationException ex)
            {
                checks.Add(new Check(provider, Level.Warn, $"not usable: {ex.Message}"));
            }
        }
    }
}
