using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Runtime;
using LlmSpell.Llm;
using LlmSpell.Llm.Ollama;
using OllamaSharp.Models;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>llmspell models</c>: the models installed on each configured Ollama endpoint and the GGUF files in the local models
/// folder; <c>models pull</c> downloads one.
/// </summary>
internal static class ModelsCommand
{
    /// <summary>What one Ollama endpoint answered: its models, or why it could not be asked.</summary>
    internal sealed record EndpointModels(string Provider, Uri? Url, IReadOnlyList<Model> Models, string? Error);

    public static Command Create(CommandRunner runner)
    {
        var output = OutputFormatOption.Create();
        var command = new Command("models", "List the models on the configured LLM endpoints (Ollama's /api/tags); 'models pull' downloads one") { output };
        command.Add(ModelsPullCommand.Create(runner));
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var endpoints = await QueryAsync(session, ct).ConfigureAwait(false);
            var modelsDir = session.ModelsDir;
            var local = LocalModels(modelsDir);
            var others = session.Config.Llm.Endpoints.Where(e => e.Value.Kind != LlmProviderKind.Ollama).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();
            var defaultModel = session.Config.DefaultModel;
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Json.Print(new JsonObject
                {
                    ["default_model"] = defaultModel,
                    ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
                    {
                        ["name"] = e.Provider,
                        ["kind"] = "ollama",
                        ["url"] = e.Url?.ToString(),
                        ["reachable"] = e.Error is null,
                        ["error"] = e.Error,
                        ["models"] = new JsonArray(e.Models.Select(m => (JsonNode)new JsonObject
                        {
                            ["name"] = m.Name,
                            ["spec"] = $"{e.Provider}/{m.Name}",
                            ["size_bytes"] = m.Size,
                            ["parameter_size"] = m.Details?.ParameterSize,
                            ["quantization"] = m.Details?.QuantizationLevel,
                            ["family"] = m.Details?.Family,
                            ["modified_at"] = m.ModifiedAt == default ? null : m.ModifiedAt.ToString("O", CultureInfo.InvariantCulture),
                        }).ToArray()),
                    }).ToArray()),
                    ["local"] = new JsonObject
                    {
                        ["models_dir"] = modelsDir,
                        ["models"] = new JsonArray(local.Select(f => (JsonNode)new JsonObject
                        {
                            ["spec"] = LocalSpec(f),
                            ["path"] = f.FullName,
                            ["size_bytes"] = f.Length,
                            ["modified_at"] = f.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture),
                        }).ToArray()),
                    },
                    ["not_listed"] = new JsonArray(others.Select(o => (JsonNode)o).ToArray()),
                });
            }
            else
            {
                var table = new TextTable("MODEL", "SIZE", "PARAMS", "QUANT", "MODIFIED");
                foreach (var e in endpoints.Where(e => e.Error is null))
                {
                    foreach (var m in e.Models)
                    {
                        var spec = $"{e.Provider}/{m.Name}";
                        var marked = spec == defaultModel || (e.Provider == ModelSpec.DefaultProvider && m.Name == defaultModel) ? spec + " (default)" : spec;
                        table.Add(marked, Size(m.Size), m.Details?.ParameterSize ?? "", m.Details?.QuantizationLevel ?? "", m.ModifiedAt == default ? "" : m.ModifiedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    }
                }
                foreach (var f in local)
                {
                    var spec = LocalSpec(f);
                    table.Add(spec == defaultModel ? spec + " (default)" : spec, Size(f.Length), "", "", f.LastWriteTimeUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
                if (local.Count > 0 || endpoints.Any(e => e.Error is null && e.Models.Count > 0)) Console.Out.Write(table.ToString());
                foreach (var e in endpoints)
                {
                    if (e.Error is not null) Console.Out.WriteLine($"{e.Provider} ({e.Url}): unreachable. {e.Error}");
                    else if (e.Models.Count == 0) Console.Out.WriteLine($"{e.Provider} ({e.Url}): no models installed; pull one with `ollama pull llama3.2:3b`.");
                }
                if (others.Length > 0)
                    Console.Out.WriteLine($"Not listed (OpenAI-compatible endpoints, not queried): {string.Join(", ", others)}; name their models as provider/model, e.g. {others[0]}/gpt-4o-mini.");
            }
            var asked = endpoints.Count;
            if (asked > 0 && endpoints.All(e => e.Error is not null))
            {
                await Console.Error.WriteLineAsync("error: no LLM endpoint could be reached (see above for what to do)").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static async Task<IReadOnlyList<EndpointModels>> QueryAsync(CliSession session, CancellationToken ct)
    {
        var ollamas = session.Config.Llm.Endpoints.Where(e => e.Value.Kind == LlmProviderKind.Ollama).Select(e => e.Key).Order(StringComparer.Ordinal);
        var tasks = ollamas.Select(async provider =>
        {
            OllamaEndpoint? client = null;
            try
            {
                client = session.Llm.GetOllamaEndpoint(provider);
                var models = await client.ListModelsAsync(ct).ConfigureAwait(false);
                return new EndpointModels(provider, client.BaseUrl, models, null);
            }
            catch (LlmException ex)
            {
                return new EndpointModels(provider, client?.BaseUrl ?? ex.Endpoint, [], ex.Message);
            }
        });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>The complete .gguf files in the models folder (downloads in progress end in .partial and are left out).</summary>
    private static IReadOnlyList<FileInfo> LocalModels(string directory) =>
        Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles("*.gguf").OrderBy(f => f.Name, StringComparer.Ordinal).ToArray()
            : [];

    private static string LocalSpec(FileInfo file) => $"{LlmProviderOptions.LocalProvider}/{Path.GetFileNameWithoutExtension(file.Name)}";

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
