using System.Diagnostics;
using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Tokenization;

namespace LlmSpell.Llm.Local.Inference;

/// <summary>A loaded llama-family model: configuration, tokenizer and weights. Immutable and shareable; generate through an <see cref="InferenceSession"/>.</summary>
public sealed class LlamaModel
{
    private LlamaModel(string path, LlamaConfig config, Vocabulary vocabulary, ITokenizer tokenizer, string? chatTemplate, float[] embeddings, LayerWeights[] layers, float[] outputNorm, float[] output, float[]? ropeFrequencyFactors, TimeSpan loadTime)
    {
        Path = path;
        Config = config;
        Vocabulary = vocabulary;
        Tokenizer = tokenizer;
        ChatTemplate = chatTemplate;
        Embeddings = embeddings;
        Layers = layers;
        OutputNorm = outputNorm;
        Output = output;
        RopeFrequencyFactors = ropeFrequencyFactors;
        LoadTime = loadTime;
    }

    public string Path { get; }

    public LlamaConfig Config { get; }

    public Vocabulary Vocabulary { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>The Jinja chat template (<c>tokenizer.chat_template</c>), or null for a plain completion model.</summary>
    public string? ChatTemplate { get; }

    public TimeSpan LoadTime { get; }

    internal float[] Embeddings { get; }

    internal LayerWeights[] Layers { get; }

    internal float[] OutputNorm { get; }

    /// <summary>Per-pair rope frequency divisors (<c>rope_freqs.weight</c>, Llama 3.1+), or null.</summary>
    internal float[]? RopeFrequencyFactors { get; }

    /// <summary>The output projection; the same array as <see cref="Embeddings"/> when the model ties them.</summary>
    internal float[] Output { get; }

    /// <summary>Loads a llama (or Qwen2) GGUF model from disk.</summary>
    public static Task<LlamaModel> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(path, cancellationToken), cancellationToken);

    /// <summary>Loads synchronously (the file is mapped, weights copied into managed arrays).</summary>
    public static LlamaModel Load(string path, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var file = GgufFile.Open(path);
        var config = LlamaConfig.FromGguf(file);
        var tokenizer = TokenizerLoader.FromGguf(file);
        var vocabulary = tokenizer.Vocabulary;
        if (vocabulary.Count != config.VocabularySize)
            throw new GgufFormatException(path, $"the tokenizer has {vocabulary.Count} tokens but token_embd.weight has {config.VocabularySize} rows", "Re-convert the model.");

        var d = config.EmbeddingLength;
        var kv = config.KvDimension;
        var ff = config.FeedForwardLength;
        float[] Read(string name, params long[] shape)
        {
            var t = file.GetTensor(name);
            if (!t.Dimensions.SequenceEqual(shape))
                throw new GgufFormatException(path, $"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{string.Join(", ", shape)}]", "The file does not match its own metadata; re-convert it.");
            return file.ReadFloats(t);
        }

        // Qwen2 adds biases to the Q/K/V projections; llama files have none.
        float[]? OptionalBias(string name, long length) => file.TryGetTensor(name, out _) ? Read(name, length) : null;

        var embeddings = Read("token_embd.weight", d, config.VocabularySize);
        var layers = new LayerWeights[config.BlockCount];
        for (var i = 0; i < layers.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var p = $"blk.{i}.";
            layers[i] = new LayerWeights(
                Read(p + "attn_norm.weight", d),
                Read(p + "attn_q.weight", d, d),
                Read(p + "attn_k.weight", d, kv),
                Read(p + "attn_v.weight", d, kv),
                Read(p + "attn_output.weight", d, d),
                Read(p + "ffn_norm.weight", d),
                Read(p + "ffn_gate.weight", d, ff),
                Read(p + "ffn_up.weight", d, ff),
                Read(p + "ffn_down.weight", ff, d),
                OptionalBias(p + "attn_q.bias", d),
                OptionalBias(p + "attn_k.bias", kv),
                OptionalBias(p + "attn_v.bias", kv));
        }
        var outputNorm = Read("output_norm.weight", d);
        var output = file.TryGetTensor("output.weight", out _) ? Read("output.weight", d, config.VocabularySize) : embeddings;
        var ropeFactors = file.TryGetTensor("rope_freqs.weight", out _) ? Read("rope_freqs.weight", config.RopeDimensionCount / 2) : null;
        return new LlamaModel(path, config, vocabulary, tokenizer, file.Metadata.GetStringOrNull("tokenizer.chat_template"), embeddings, layers, outputNorm, output,
            ropeFactors, clock.Elapsed);
    }

    /// <summary>A fresh session (its own KV cache) of up to <paramref name="contextLength"/> positions (default: the model's).</summary>
    public InferenceSession CreateSession(int? contextLength = null) => new(this, contextLength ?? Config.ContextLength);
}
