using System.Collections.Concurrent;
using LlmSpell.Llm.Local.Chat;
using LlmSpell.Llm.Local.Engine;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Local.Provider;

/// <summary>
/// Serves <c>local/…</c> model specs: <c>local/&lt;path&gt;.gguf</c> (absolute, or relative to the current directory, then
/// to the models folder) or <c>local/&lt;name&gt;</c> (<c>&lt;name&gt;.gguf</c> in the models folder). One loaded model and
/// one client per file: parallel workflow branches on one model share its weights and are decoded together in batches.
/// </summary>
public sealed class LocalModelProvider : ILocalModelProvider, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.Ordinal);
    private readonly Func<LocalModel, IEnumerable<int>>? _extraStopTokens;
    private readonly LocalModelOptions _options;

    /// <param name="extraStopTokens">Stop tokens besides the model's end-of-generation ones (e.g. BOS for llama2.c story models); null: none.</param>
    /// <param name="options">How models are loaded (context per request, parallel sequences, threads); null: the defaults.</param>
    public LocalModelProvider(Func<LocalModel, IEnumerable<int>>? extraStopTokens = null, LocalModelOptions? options = null)
    {
        _extraStopTokens = extraStopTokens;
        _options = options ?? LocalModelOptions.Default;
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

    /// <summary>Unloads the models (requests in flight end with an error).</summary>
    public void Dispose()
    {
        foreach (var lazy in _clients.Values)
            if (lazy.IsValueCreated) lazy.Value.GetService<LocalModel>()?.Dispose();
        _clients.Clear();
    }

    private IChatClient Load(string path)
    {
        var model = LocalModel.Load(path, _options);
        try
        {
            return new LocalChatClient(model, extraStopTokens: _extraStopTokens?.Invoke(model));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
