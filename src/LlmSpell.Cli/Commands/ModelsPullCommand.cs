using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Output;
using LlmSpell.Cli.Progress;
using LlmSpell.Cli.Runtime;
using LlmSpell.Llm;
using LlmSpell.Llm.Local.Download;

namespace LlmSpell.Cli.Commands;

/// <summary>
/// <c>llmspell models pull SPEC</c>: <c>local/&lt;name&gt;</c> downloads a GGUF file into the models folder (from the
/// built-in catalog or --url, resumable, SHA-256 checked); <c>ollama/&lt;model&gt;</c> (any Ollama endpoint) asks that
/// server to pull it.
/// </summary>
internal static class ModelsPullCommand
{
    public static Command Create(CommandRunner runner)
    {
        var spec = new Argument<string>("SPEC") { Description = "local/<name> (a catalog name, or any name with --url) or ollama/<model>" };
        var url = new Option<string?>("--url") { Description = "Download the GGUF file from this URL (local/ only; default: the catalog's Hugging Face URL)" };
        var sha = new Option<string?>("--sha256") { Description = "Expected SHA-256 of the file (64 hex digits); the download is deleted if it differs" };
        var output = OutputFormatOption.Create();
        var command = new Command("pull", "Download a model: local/<name> into the models folder, or ollama/<model> onto the Ollama server")
        {
            spec, url, sha, output,
        };
        command.Description += ". Catalog: " + string.Join("; ", ModelCatalog.Models.Select(m => $"{m.Name} ({m.Description})"));
        runner.SetAction(command, async (parse, session, ct) =>
        {
            var model = ParseSpec(parse.GetValue(spec)!);
            var json = parse.GetValue(output) == OutputFormat.Json;
            if (model.Provider == LlmProviderOptions.LocalProvider)
                return await PullLocalAsync(session, model.Model, parse.GetValue(url), parse.GetValue(sha), json, ct).ConfigureAwait(false);
            if (parse.GetValue(url) is not null || parse.GetValue(sha) is not null)
                throw new CliException($"--url and --sha256 apply to local/ models only; '{model}' is pulled by the {model.Provider} server itself.");
            return await PullOllamaAsync(session, model, json, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static ModelSpec ParseSpec(string text)
    {
        try
        {
            return ModelSpec.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    private static async Task<int> PullLocalAsync(CliSession session, string name, string? urlText, string? shaText, bool json, CancellationToken ct)
    {
        name = name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new CliException($"'local/{name}' is not a model name for pull: use a plain name (the file becomes <name>.gguf in the models folder), e.g. local/smollm2-135m-instruct-q8_0.");
        var entry = ModelCatalog.Find(name);
        Uri url;
        if (urlText is not null)
        {
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https"))
                throw new CliException($"--url '{urlText}' is not an http(s) URL; e.g. --url https://huggingface.co/<repo>/resolve/main/<file>.gguf");
            url = given;
        }
        else
        {
            url = entry?.Url ?? throw new CliException(
                $"'{name}' is not in the catalog; give the file's address with --url (e.g. https://huggingface.co/<repo>/resolve/main/<file>.gguf). " +
                $"Catalog: {string.Join(", ", ModelCatalog.Models.Select(m => m.Name))}.");
        }
        string? sha;
        try
        {
            sha = shaText is not null ? ModelDownloader.NormalizeSha256(shaText) : urlText is null ? entry?.Sha256 : null;
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--sha256: {ex.Message}");
        }

        var directory = session.ModelsDir;
        var destination = Path.Combine(directory, name + ".gguf");
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("llmspell", "1.0"));
        var downloader = new ModelDownloader(http);
        if (!json) await Console.Error.WriteLineAsync($"pulling local/{name} from {url} into {destination}").ConfigureAwait(false);
        var result = await TransferProgress.RunAsync(report =>
            downloader.DownloadAsync(name, url, destination, sha,
                new InlineProgress<ModelDownloadProgress>(p => report(name + ".gguf", p.Received, p.Total)), ct)).ConfigureAwait(false);

        if (json)
        {
            Json.Print(new JsonObject
            {
                ["model"] = $"local/{name}",
                ["path"] = result.Path,
                ["url"] = url.ToString(),
                ["bytes"] = result.Bytes,
                ["sha256"] = result.Sha256,
                ["verified"] = sha is not null,
                ["resumed_from"] = result.ResumedFrom,
                ["already_present"] = result.AlreadyPresent,
            });
            return ExitCodes.Ok;
        }
        var how = result.AlreadyPresent ? "already present" : result.ResumedFrom > 0 ? $"downloaded, resumed at {result.ResumedFrom} bytes" : "downloaded";
        Console.Out.WriteLine($"local/{name}: {how}: {result.Path} ({result.Bytes.ToString(CultureInfo.InvariantCulture)} bytes)");
        Console.Out.WriteLine(sha is not null
            ? $"sha256 {result.Sha256} (verified)"
            : $"sha256 {result.Sha256} (not verified: pin it with --sha256 {result.Sha256})");
        Console.Out.WriteLine($"Use it as the model local/{name} (an agent step's model, or --param model=local/{name}).");
        return ExitCodes.Ok;
    }

    private static async Task<int> PullOllamaAsync(CliSession session, ModelSpec model, bool json, CancellationToken ct)
    {
        var client = session.Llm.GetOllamaEndpoint(model.Provider);
        // Status lines without sizes are printed only as plain lines: on a terminal they would tear the progress bars.
        var statusLines = !json && ProgressViews.Choose() == ProgressMode.Plain;
        await TransferProgress.RunAsync(async report =>
        {
            await foreach (var status in client.PullStreamingAsync(model.Model, cancellationToken: ct).ConfigureAwait(false))
            {
                if (status.Total > 0) report($"{status.Status}", status.Completed, status.Total);
                else if (statusLines) await Console.Error.WriteLineAsync(status.Status).ConfigureAwait(false);
            }
            return true;
        }).ConfigureAwait(false);
        if (json) Json.Print(new JsonObject { ["model"] = model.ToString(), ["server"] = client.BaseUrl.ToString(), ["status"] = "success" });
        else Console.Out.WriteLine($"{model}: pulled on {client.BaseUrl}");
        return ExitCodes.Ok;
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
