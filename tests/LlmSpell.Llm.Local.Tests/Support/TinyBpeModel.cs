using LlmSpell.Llm.Local.Gguf;
using LlmSpell.Llm.Local.Inference;

namespace LlmSpell.Llm.Local.Tests.Support;

/// <summary>
/// A one-layer llama model over a <see cref="BpeModelFile"/> vocabulary whose greedy choice is always one token: every
/// embedding is all ones, attention and feed-forward weights are zero (the residual passes through), and the output
/// projection has ones only in the chosen token's row.
/// </summary>
public static class TinyBpeModel
{
    private const int Dim = 8;

    /// <param name="vocabulary">The tokenizer part of the file.</param>
    /// <param name="alwaysEmits">The token every greedy step chooses.</param>
    /// <param name="ropeFrequencyFactors">A <c>rope_freqs.weight</c> tensor to include (two pairs per head), or none.</param>
    public static LlamaModel Load(BpeModelFile vocabulary, string alwaysEmits, float[]? ropeFrequencyFactors = null)
    {
        var vocab = vocabulary.Tokens().Length;
        var target = vocabulary.IdOf(alwaysEmits);
        var output = new float[Dim * vocab];
        Array.Fill(output, 1f, target * Dim, Dim);
        var w = vocabulary.Writer()
            .Add("llama.embedding_length", GgufValueType.UInt32, (uint)Dim)
            .Add("llama.block_count", GgufValueType.UInt32, 1u)
            .Add("llama.attention.head_count", GgufValueType.UInt32, 2u)
            .Add("llama.feed_forward_length", GgufValueType.UInt32, (uint)Dim)
            .Add("llama.context_length", GgufValueType.UInt32, 512u)
            .AddF32Tensor("token_embd.weight", [Dim, vocab], Filled(Dim * vocab, 1f))
            .AddF32Tensor("blk.0.attn_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("blk.0.attn_q.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_k.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_v.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.attn_output.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("blk.0.ffn_gate.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_up.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("blk.0.ffn_down.weight", [Dim, Dim], new float[Dim * Dim])
            .AddF32Tensor("output_norm.weight", [Dim], Filled(Dim, 1f))
            .AddF32Tensor("output.weight", [Dim, vocab], output);
        if (ropeFrequencyFactors is not null) w.AddF32Tensor("rope_freqs.weight", [ropeFrequencyFactors.Length], ropeFrequencyFactors);
        using var temp = TempFile.With(w.ToBytes());
        return LlamaModel.Load(temp.Path);
    }

    private static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
