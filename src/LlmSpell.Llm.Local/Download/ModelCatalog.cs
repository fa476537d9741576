namespace LlmSpell.Llm.Local.Download;

/// <summary>
/// The built-in list of small GGUF chat models for <c>local/&lt;name&gt;</c>, on Hugging Face. Only models this runtime
/// can run: llama or qwen2 architecture, a supported tokenizer and chat template, supported quantisations. No SHA-256 is pinned
/// yet (none was verified when the list was written): the hash of a download is printed so it can be pinned with --sha256.
/// </summary>
public static class ModelCatalog
{
    public const string HuggingFace = "https://huggingface.co";

    public static IReadOnlyList<CatalogModel> Models { get; } =
    [
        Hf("stories260K", "ggml-org/models", "tinyllamas/stories260K.gguf", "TinyStories 260K (1.1 MB), the test model: continues stories, no chat template"),
        Hf("smollm2-135m-instruct-q8_0", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "smollm2-135m-instruct-q8_0.gguf", "SmolLM2 135M Instruct, Q8_0 (~145 MB), ChatML"),
        Hf("smollm2-360m-instruct-q8_0", "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "smollm2-360m-instruct-q8_0.gguf", "SmolLM2 360M Instruct, Q8_0 (~390 MB), ChatML"),
        Hf("qwen2.5-0.5b-instruct-q8_0", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q8_0.gguf", "Qwen2.5 0.5B Instruct, Q8_0 (~675 MB), ChatML"),
        Hf("llama-3.2-1b-instruct-q8_0", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q8_0.gguf", "Llama 3.2 1B Instruct, Q8_0 (~1.3 GB; ~5 GB of RAM once loaded, weights are held as float32), Llama 3 template"),
    ];

    public static CatalogModel? Find(string name) =>
        Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The download URL of a file in a Hugging Face repository (its main branch).</summary>
    public static Uri HuggingFaceUrl(string repository, string file) => new($"{HuggingFace}/{repository}/resolve/main/{file}");

    private static CatalogModel Hf(string name, string repository, string file, string description) =>
        new(name, HuggingFaceUrl(repository, file), null, description);
}
