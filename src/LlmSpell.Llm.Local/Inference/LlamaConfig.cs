using LlmSpell.Llm.Local.Gguf;

namespace LlmSpell.Llm.Local.Inference;

/// <summary>The hyper-parameters of a llama model, read from <c>llama.*</c> GGUF metadata.</summary>
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
    int RopeDimensionCount)
{
    public const string Architecture = "llama";

    public int HeadDimension => EmbeddingLength / HeadCount;

    public int KvDimension => HeadDimension * HeadCountKv;

    /// <summary>Reads and checks the configuration; names the file and key when something does not fit.</summary>
    public static LlamaConfig FromGguf(GgufFile file)
    {
        var md = file.Metadata;
        var arch = md.GetStringOrNull("general.architecture");
        if (arch != Architecture)
            throw new GgufFormatException(file.Path, arch is null ? "general.architecture is missing" : $"unsupported architecture '{arch}' (supported: '{Architecture}')",
                "Use a llama-architecture model (Llama 2/3, TinyLlama, stories*).");
        var dim = (int)md.GetInteger("llama.embedding_length");
        var heads = (int)md.GetInteger("llama.attention.head_count");
        var headsKv = (int)md.GetIntegerOr("llama.attention.head_count_kv", heads);
        if (heads <= 0 || dim % heads != 0 || headsKv <= 0 || heads % headsKv != 0)
            throw new GgufFormatException(file.Path, $"inconsistent attention shape: embedding_length {dim}, head_count {heads}, head_count_kv {headsKv}", "Re-convert the model.");
        var vocab = file.TryGetTensor("token_embd.weight", out var emb) && emb.Dimensions.Count == 2
            ? (int)emb.Dimensions[1]
            : md.GetArray("tokenizer.ggml.tokens").Count;
        var config = new LlamaConfig(
            dim,
            (int)md.GetInteger("llama.block_count"),
            heads,
            headsKv,
            (int)md.GetInteger("llama.feed_forward_length"),
            (int)md.GetIntegerOr("llama.context_length", 2048),
            vocab,
            (float)md.GetFloatOr("llama.attention.layer_norm_rms_epsilon", 1e-5),
            (float)md.GetFloatOr("llama.rope.freq_base", 10000.0),
            (int)md.GetIntegerOr("llama.rope.dimension_count", dim / heads));
        if (config.RopeDimensionCount > config.HeadDimension || config.RopeDimensionCount % 2 != 0)
            throw new GgufFormatException(file.Path, $"llama.rope.dimension_count is {config.RopeDimensionCount}; it must be even and at most the head dimension {config.HeadDimension}", "Re-convert the model.");
        return config;
    }
}
