namespace LlmSpell.Llm.Local.Inference;

/// <summary>The F32 weights of one transformer block, row-major with one row per output; Q/K/V biases only for Qwen2.</summary>
internal sealed record LayerWeights(
    float[] AttentionNorm,
    float[] Query,
    float[] Key,
    float[] Value,
    float[] AttentionOutput,
    float[] FeedForwardNorm,
    float[] Gate,
    float[] Up,
    float[] Down,
    float[]? QueryBias = null,
    float[]? KeyBias = null,
    float[]? ValueBias = null);
