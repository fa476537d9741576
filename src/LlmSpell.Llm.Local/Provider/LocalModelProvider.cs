using System.Collections.Concurrent;
using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Inference;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Provider;

/// <summary>
/// Serves <c>local/…</c> model specs: <c>local/&lt;path&gt;.gguf</c> (absolute, or relative to the current directory, then
/// to the models folder) or <c>local/&lt;name&gt;</c> (<c>&lt;name&gt;.gguf</c> in the models folder). One loaded model and
/// one client per file; a model serves one request at a time (parallel workflow branches queue).
/// </summary>
public sealed class LocalModelProvider : ILocalModelProvider
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.Ordinal);
    private readonly Func<LlamaModel, IEnumerable<int>>? _extraStopTokens;

    /// <param name="extraStopTokens">Stop tokens besides EOS for a loaded model (e.g. BOS for llama2.c story models); null: EOS only.</param>
    public LocalModelProvider(Func<LlamaModel, IEnumerable<int>>? extraStopTokens = null)
    {
        _extraStopTokens = extraStopTokens;
    }

    public IChatClient GetClient(string model, string modelsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(modelsDirectory);
        var path = Resolve(model, modelsDirectory);
        var lazy = _clients.GetOrAdd(path, p => new Lazy<IChatClient>(() => Load(p)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _clients.TryRemove(KeyValuePair.Create(path, lazy));
            throw;
        }
    }

    /// <summary>The file <paramref name="model"/> names; throws <see cref="LlmModelNotFoundException"/> listing where it looked.</summary>
    public static string Resolve(string model, string modelsDirectory)
    {
        var candidates = Candidates(model.Trim(), modelsDirectory).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        throw new LlmModelNotFoundException(
            $"Local model '{model}' not found; looked at {string.Join(", ", candidates.Select(c => $"'{c}'"))}. " +
            $"Put the .gguf file in the models folder '{modelsDirectory}' (set with {LlmProviderOptions.ModelsDirectoryVariable} or the " +
            "config key models_dir) and use 'local/<name>', or use an absolute path: 'local//path/to/model.gguf'. " +
            $"Or download it there: 'llmspell models pull local/{PullName(model)}' (a catalog model, or add --url URL).",
            LlmProviderOptions.LocalProvider, new Uri(Path.GetFullPath(modelsDirectory)), model);
    }

    private static string PullName(string model)
    {
        var name = Path.GetFileName(model.Trim());
        return name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
    }

    private static IEnumerable<string> Candidates(string model, string modelsDirectory)
    {
        var isFile = model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
        if (Path.IsPathRooted(model))
        {
            yield return Path.GetFullPath(isFile ? model : model + ".gguf");
            yield break;
        }
        if (isFile)
        {
            yield return Path.GetFullPath(model);
            yield return Path.GetFullPath(Path.Combine(modelsDirectory, model));
        }
        else
        {
            yield return Path.GetFullPath(Path.Combine(modelsDirectory, model + ".gguf"));
        }
    }

    private IChatClient Load(string path)
    {
        var model = LlamaModel.Load(path);
        return new SerializedChatClient(new LocalChatClient(model, extraStopTokens: _extraStopTokens?.Invoke(model)));
    }
}
