using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Inference;

/// <summary>
/// The hyper-parameters of a llama-family model, read from <c>&lt;architecture&gt;.*</c> GGUF metadata: <c>llama</c>, or
/// <c>qwen2</c> (the same block with Q/K/V biases and NEOX rope).
/// </summary>
public sealed record LlamaConfig(
    int EmbeddingLength,
    int BlockCount,
    int HeadCount,
    int HeadCountKv,
    int FeedForwardLength,
    int ContextLength,
    int VocabularySize,
    float RmsNormEpsilon,
    float RopeFreqBase,
    int RopeDimensionCount,
    string Architecture = "llama")
{
    /// <summary>The <c>general.architecture</c> values this engine runs.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = ["llama", "qwen2"];

    /// <summary>
    /// Rope on the two halves of each head (x[i], x[i + n/2]), as llama.cpp's NEOX mode for Qwen2, instead of on
    /// adjacent pairs: Qwen2's converter does not permute Q/K into the interleaved layout.
    /// </summary>
    public bool NeoxRope => Architecture == "qwen2";

    public int HeadDimension => EmbeddingLength / HeadCount;

    public int KvDimension => HeadDimension * HeadCountKv;

    /// <summary>Reads and checks the configuration; names the file and key when something does not fit.</summary>
    public static LlamaConfig FromGguf(GgufFile file)
    {
        var md = file.Metadata;
        var arch = md.GetStringOrNull("general.architecture");
        if (arch is null || !SupportedArchitectures.Contains(arch))
            throw new GgufFormatException(file.Path, arch is null ? "general.architecture is missing" : $"unsupported architecture '{arch}' (supported: {string.Join(", ", SupportedArchitectures.Select(a => $"'{a}'"))})",
                "Use a llama-architecture model (Llama 2/3, TinyLlama, SmolLM, stories*) or a Qwen2/2.5 model.");
        var dim = (int)md.GetInteger(arch + ".embedding_length");
        var heads = (int)md.GetInteger(arch + ".attention.head_count");
        var headsKv = (int)md.GetIntegerOr(arch + ".attention.head_count_kv", heads);
        if (heads <= 0 || dim % heads != 0 || headsKv <= 0 || heads % headsKv != 0)
            throw new GgufFormatException(file.Path, $"inconsistent attention shape: embedding_length {dim}, head_count {heads}, head_count_kv {headsKv}", "Re-convert the model.");
        var vocab = file.TryGetTensor("token_embd.weight", out var emb) && emb.Dimensions.Count == 2
            ? (int)emb.Dimensions[1]
            : md.GetArray("tokenizer.ggml.tokens").Count;
        var config = new LlamaConfig(
            dim,
            (int)md.GetInteger(arch + ".block_count"),
            heads,
            headsKv,
            (int)md.GetInteger(arch + ".feed_forward_length"),
            (int)md.GetIntegerOr(arch + ".context_length", 2048),
            vocab,
            (float)md.GetFloatOr(arch + ".attention.layer_norm_rms_epsilon", 1e-5),
            (float)md.GetFloatOr(arch + ".rope.freq_base", 10000.0),
            (int)md.GetIntegerOr(arch + ".rope.dimension_count", dim / heads),
            arch);
        if (config.RopeDimensionCount > config.HeadDimension || config.RopeDimensionCount % 2 != 0)
            throw new GgufFormatException(file.Path, $"{arch}.rope.dimension_count is {config.RopeDimensionCount}; it must be even and at most the head dimension {config.HeadDimension}", "Re-convert the model.");
        return config;
    }
}
