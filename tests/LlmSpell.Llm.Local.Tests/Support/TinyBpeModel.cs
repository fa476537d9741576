using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>
/// A one-layer model over a <see cref="BpeModelFile"/> vocabulary with hand-set weights: every embedding is all ones,
/// the attention and feed-forward weights are zero unless given (the residual passes through), and the output
/// projection has rows only for the tokens in <see cref="OutputRows"/> — so the greedy choice is known in advance.
/// </summary>
public sealed class TinyBpeModel
{
    public const int Dim = 8;

    /// <summary>Token text → its row of the output projection (Dim values); other rows are zero.</summary>
    public Dictionary<string, float[]> OutputRows { get; } = [];

    /// <summary>A <c>rope_freqs.weight</c> tensor to include (two pairs per head), or none.</summary>
    public float[]? RopeFrequencyFactors { get; init; }

    /// <summary>attn_output.weight (Dim × Dim, row-major); default zero.</summary>
    public float[]? AttentionOutput { get; init; }

    /// <summary>attn_v.bias; when set, zero Q and K biases are written too, as Qwen2 files have all three.</summary>
    public float[]? ValueBias { get; init; }

    /// <summary>A model whose greedy choice is always <paramref name="alwaysEmits"/>.</summary>
    public static LlamaModel Load(BpeModelFile vocabulary, string alwaysEmits, float[]? ropeFrequencyFactors = null)
    {
        var model = new TinyBpeModel { RopeFrequencyFactors = ropeFrequencyFactors };
        model.OutputRows[alwaysEmits] = Filled(Dim, 1f);
        return model.Load(vocabulary);
    }

    public LlamaModel Load(BpeModelFile vocabulary)
    {
        var vocab = vocabulary.Tokens().Length;
        var output = new float[Dim * vocab];
        foreach (var (token, row) in OutputRows) row.CopyTo(output, vocabulary.IdOf(token) * Dim);
        var arch = vocabulary.Architecture;
        var w = vocabulary.Writer()
            .Add(arch + ".embedding_length", GgufValueType.UInt32, (uint)Dim)
            .Add(arch + ".block_count", GgufValueType.UInt32, 1u)
            .Add(arch + ".attention.head_count", GgufValueType.UInt32, 2u)
            .Add(arch + ".feed_forward_length", GgufValueType.UInt32, (uint)Dim)
            .Add(arch + ".context_length", GgufValueType.UInt32, 512u)
            .AddF32Tensor("token_embd.weight", [Dim, vocab], Filled(Dim * vocab, 1f))
            .AddF32Tensor("blk.0.attn_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("blk.0.attn_q.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_k.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_v.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_output.weight", [Dim, Dim], AttentionOutput ?? new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("blk.0.ffn_gate.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_up.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_down.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("output_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("output.weight", [Dim, vocab], output);
        if (ValueBias is not null)
        {
            w.AddF32Tensor("blk.0.attn_q.bias", [Dim], new float[Dim])
                .AddF32Tensor("blk.0.attn_k.bias", [Dim], new float[Dim])
                .AddF32Tensor("blk.0.attn_v.bias", [Dim], ValueBias);
        }
        if (RopeFrequencyFactors is not null) w.AddF32Tensor("rope_freqs.weight", [RopeFrequencyFactors.Length], RopeFrequencyFactors);
        using var temp = TempFile.With(w.ToBytes());
        return LlamaModel.Load(temp.Path);
    }

    public static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
